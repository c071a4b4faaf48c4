/**
 * Resubscribing with the tag of the last entry seen, against a stream that lost its last entries
 * for real: a socket holds entries up to N, the database then loses those above K < N (what a
 * power cut leaves when entries reached sockets before their commits were flushed: the rows and
 * the project's head go back to K), and new messages take K+1.. again with new tags. The socket's
 * `since` alone cannot tell; its tag does: it is told to resync from the head, then gets live
 * entries. A socket whose entry survived resumes as always, and one without a tag (older clients,
 * the bench) behaves as before.
 */
import { describe, expect, test } from 'vitest';
import type { ServerFrame } from '../../src/http/chat-schemas';
import {
  SUITE_TIMEOUT,
  dialects,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
  withDb,
  type TestApp,
} from './harness';
import { at, send, threads } from './chat-support';
import { range, seqs, TEST_ORIGIN, TestSocket, type Entry } from './socket-support';

type Subscribed = Extract<ServerFrame, { type: 'subscribed' }>;
const isSubscribed = (f: ServerFrame): f is Subscribed => f.type === 'subscribed';

/** What a power cut that lost every commit after entry `keep` leaves of the project's stream. */
async function loseEntriesAfter(app: TestApp, projectId: string, keep: number): Promise<void> {
  await withDb(app, async (db) => {
    await db
      .deleteFrom('stream_events')
      .where('project_id', '=', projectId)
      .where('seq', '>', keep)
      .execute();
    await db
      .deleteFrom('chat_messages')
      .where('project_id', '=', projectId)
      .where('seq', '>', keep)
      .execute();
    await db
      .updateTable('projects')
      .set({ stream_seq: keep })
      .where('id', '=', projectId)
      .execute();
  });
}

function tagOf(entries: readonly Entry[], seq: number): string {
  const tag = entries.find((e) => e.seq === seq)?.tag;
  if (typeof tag !== 'string') throw new Error(`no tag for entry ${seq}`);
  return tag;
}

describe.each(dialects)('resubscribing with entry tags on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, {
    PUBLIC_URL: TEST_ORIGIN,
    CHAT_MESSAGES_PER_SECOND: '10000',
    CHAT_MESSAGE_BURST: '10000',
  });

  async function twoParties() {
    const freelancer = await signUp(app());
    const fixture = await setupProject(freelancer);
    const secrets = await share(freelancer, fixture.project.id);
    const client = await openPortal(app(), { code: secrets.code });
    const head = (await threads(freelancer, fixture.project.id)).lastSeq;
    const open = () => TestSocket.open(app().url, client, { as: 'client' });
    return { freelancer, client, head, projectId: fixture.project.id, open };
  }

  test('a client holding entries the server lost is told to resync; one whose entry stands resumes', async () => {
    const { freelancer, head: h, projectId, open } = await twoParties();
    // A client follows the stream and receives N = h + 5 entries, each with its own tag.
    const first = await open();
    first.subscribe(projectId, h);
    const subscribed = await first.next(isSubscribed);
    expect(subscribed).toMatchObject({ since: h, resync: false });
    expect(subscribed.tag).toMatch(/^[\w-]{12}$/);
    for (let i = 1; i <= 5; i++) await send(freelancer, projectId, `sent ${i}`);
    const held = await first.entriesUpTo(projectId, h + 5);
    expect(seqs(held)).toEqual(range(h, h + 5));
    for (const entry of held) expect(entry.tag).toMatch(/^[\w-]{12}$/);
    expect(new Set(held.map((e) => e.tag)).size).toBe(5);
    first.close();

    // The server loses the entries after K = h + 2, and four new messages take h + 3 .. h + 6.
    const k = h + 2;
    await loseEntriesAfter(app(), projectId, k);
    for (let i = 1; i <= 4; i++) await send(freelancer, projectId, `after the cut ${i}`);
    expect((await threads(freelancer, projectId)).lastSeq).toBe(h + 6);

    // The client that holds h + 5 (its old tag): not the server's h + 5, so resync from the head.
    const stale = await open();
    stale.subscribe(projectId, h + 5, tagOf(held, h + 5));
    const resynced = await stale.next(isSubscribed);
    expect(resynced).toMatchObject({ since: h + 6, lastSeq: h + 6, resync: true });
    // The tag of the head, to subscribe with next time; live entries follow, nothing replayed.
    const following = await open();
    following.subscribe(projectId, k);
    const replayed = await following.entriesUpTo(projectId, h + 6);
    expect(resynced.tag).toBe(tagOf(replayed, h + 6));
    expect(replayed.map((e) => e.message?.text)).toEqual([
      'after the cut 1',
      'after the cut 2',
      'after the cut 3',
      'after the cut 4',
    ]);
    expect(tagOf(replayed, h + 5)).not.toBe(tagOf(held, h + 5));
    await send(freelancer, projectId, 'live');
    const live = await stale.entriesUpTo(projectId, h + 7);
    expect(seqs(live)).toEqual([h + 7]);
    expect(at(live, 0).message?.text).toBe('live');

    // The client whose last entry (K) survived resumes after it: the replay, each once.
    const survivor = await open();
    survivor.subscribe(projectId, k, tagOf(held, k));
    expect(await survivor.next(isSubscribed)).toEqual({
      type: 'subscribed',
      projectId,
      since: k,
      lastSeq: h + 7,
      resync: false,
      tag: tagOf(held, k),
    });
    const resumed = await survivor.entriesUpTo(projectId, h + 7);
    expect(seqs(resumed)).toEqual(range(k, h + 7));
    expect(resumed.map((e) => e.message?.text)).toEqual([
      'after the cut 1',
      'after the cut 2',
      'after the cut 3',
      'after the cut 4',
      'live',
    ]);

    // Without a tag (older clients): as before, after since, and nothing checked.
    const untagged = await open();
    untagged.subscribe(projectId, h + 5);
    expect(await untagged.next(isSubscribed)).toMatchObject({
      since: h + 5,
      resync: false,
      tag: tagOf(replayed, h + 5),
    });
    expect(seqs(await untagged.entriesUpTo(projectId, h + 7))).toEqual([h + 6, h + 7]);
    for (const socket of [stale, following, survivor, untagged]) socket.close();
  });

  test('a since past the head with a tag resyncs; without one it starts from the head as before', async () => {
    const { freelancer, head: h, projectId, open } = await twoParties();
    const first = await open();
    first.subscribe(projectId, h);
    await first.next(isSubscribed);
    for (let i = 1; i <= 3; i++) await send(freelancer, projectId, `sent ${i}`);
    const held = await first.entriesUpTo(projectId, h + 3);
    first.close();
    // Every entry after h is lost, and nothing new is written: the client is past the head.
    await loseEntriesAfter(app(), projectId, h);
    const ahead = await open();
    ahead.subscribe(projectId, h + 3, tagOf(held, h + 3));
    const resynced = await ahead.next(isSubscribed);
    expect(resynced).toMatchObject({ since: h, lastSeq: h, resync: true });
    expect(resynced.tag).toMatch(/^[\w-]{12}$/);
    const plain = await open();
    plain.subscribe(projectId, h + 3);
    expect(await plain.next(isSubscribed)).toMatchObject({ since: h, lastSeq: h, resync: false });
    await send(freelancer, projectId, 'new');
    expect(seqs(await ahead.entriesUpTo(projectId, h + 1))).toEqual([h + 1]);
    expect(seqs(await plain.entriesUpTo(projectId, h + 1))).toEqual([h + 1]);
    for (const socket of [ahead, plain]) socket.close();
  });

  test('entries from before tags have none; a tag sent for one resyncs; a bad tag is refused', async () => {
    const { freelancer, head: h, projectId, open } = await twoParties();
    await send(freelancer, projectId, 'old');
    await withDb(app(), (db) =>
      db
        .updateTable('stream_events')
        .set({ tag: null })
        .where('project_id', '=', projectId)
        .where('seq', '=', h + 1)
        .execute(),
    );
    const socket = await open();
    socket.subscribe(projectId, h);
    const [entry] = await socket.entriesUpTo(projectId, h + 1);
    expect(entry?.tag).toBeNull();
    socket.subscribe(projectId, h + 1);
    const subscribed = await socket.next(isSubscribed, socket.frames.indexOf(entry as Entry) + 1);
    expect(subscribed).toMatchObject({ since: h + 1, resync: false, tag: null });
    const checked = await open();
    checked.subscribe(projectId, h + 1, 'not-its-tag');
    expect(await checked.next(isSubscribed)).toMatchObject({ since: h + 1, resync: true });
    for (const bad of ['a\u0000b', 'x'.repeat(65), 'has space', '']) {
      const refused = await open();
      refused.subscribe(projectId, h + 1, bad);
      expect(await refused.next((f) => f.type === 'error')).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'tag',
      });
      refused.close();
    }
    for (const s of [socket, checked]) s.close();
  });
});
