/**
 * What must survive a lost connection or a closed tab, kept in this browser's localStorage per
 * project: the draft of each thread, and the messages written but not yet accepted by the server
 * (each with the id it was made with, so sending it again can never post it twice).
 */
import type { ChatRealm, OutgoingMessage } from './chat-api';

export interface QueuedMessage extends OutgoingMessage {
  /** When it was written (ISO), to show it in place until the server has it. */
  writtenAt: string;
}

function storageKey(realm: ChatRealm, projectId: string, what: string): string {
  return `milepost.chat.${realm}.${projectId}.${what}`;
}

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Storage refused or full: the draft lives only in the page until sent.
  }
}

export function loadDraft(realm: ChatRealm, projectId: string, thread: string): string {
  return read(storageKey(realm, projectId, `draft.${thread}`)) ?? '';
}

export function saveDraft(realm: ChatRealm, projectId: string, thread: string, text: string) {
  write(storageKey(realm, projectId, `draft.${thread}`), text === '' ? null : text);
}

function isQueued(value: unknown): value is QueuedMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.thread === 'string' &&
    typeof v.text === 'string' &&
    typeof v.writtenAt === 'string' &&
    (v.replyTo === undefined || typeof v.replyTo === 'string')
  );
}

export function loadQueue(realm: ChatRealm, projectId: string): QueuedMessage[] {
  const raw = read(storageKey(realm, projectId, 'queue'));
  if (raw === null) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isQueued) : [];
  } catch {
    return [];
  }
}

export function saveQueue(realm: ChatRealm, projectId: string, queue: readonly QueuedMessage[]) {
  write(storageKey(realm, projectId, 'queue'), queue.length === 0 ? null : JSON.stringify(queue));
}
