/**
 * Where a (re)subscribing socket resumes a project's stream, pure. A socket subscribes with the
 * last sequence number it saw (`since`) and, if it has one, that entry's tag. Numbers alone cannot
 * tell a client that holds entries the server has lost: an entry may reach sockets once its commit
 * is written but before the disk flush ends, so after a power cut the server may lack the last few
 * entries some clients hold and hand their numbers to new entries. The tag tells them apart.
 */

/** Random bytes of an entry's tag (base64url: 12 characters). */
export const STREAM_TAG_BYTES = 9;
/** Longest tag a subscribe may carry (room for longer tags later; today's are 12 characters). */
export const MAX_STREAM_TAG_LENGTH = 64;

export interface ResumeFacts {
  /** The last number the client saw (0: none). */
  since: number;
  /** The tag of the client's entry `since`, if it sent one. */
  tag: string | undefined;
  /** The stream's head: the last number handed out (projects.stream_seq). */
  head: number;
  /** The server's entry `since`: its tag (null if untagged), or undefined when there is none. */
  stored: { tag: string | null } | undefined;
}

/**
 * Resume after `from`: the entries after it follow. `resync`: the client's stream and the
 * server's disagree (the client holds entries the server lost), so it resumes from the head and
 * must refresh everything it shows. Without a tag (older clients) nothing is checked: after
 * `min(since, head)`, as always.
 */
export function resumePoint(facts: ResumeFacts): { from: number; resync: boolean } {
  const { since, tag, head, stored } = facts;
  if (tag === undefined || since < 1) return { from: Math.min(since, head), resync: false };
  if (since > head || stored === undefined || stored.tag !== tag) {
    return { from: head, resync: true };
  }
  return { from: since, resync: false };
}
