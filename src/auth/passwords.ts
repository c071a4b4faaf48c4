/**
 * Password hashing with argon2id (the @node-rs binding's defaults: 19 MiB, t=2, p=1).
 *
 * A hash takes ~12 ms of a libuv thread and 19 MiB; a burst of logins would otherwise occupy
 * every thread (stalling file and DNS work queued behind them) and the memory with it. The
 * hasher runs at most `concurrency` hashes at once and queues the rest. Callers must never hold
 * a database transaction while they wait for it.
 *
 * `admit` lets as many whole attempts (count, hash, settle) in at once, so a burst of logins
 * waits in memory rather than as a queue of database writes ahead of everyone else's reads.
 */
import { type Algorithm, hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

// The binding's Algorithm.Argon2id: an ambient const enum, which isolated modules cannot read.
const Argon2id = 2 as Algorithm;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a stored hash that cannot be read. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * A hash of nothing in particular, verified against when the email is unknown, so a login
   * takes as long whether or not the account exists.
   */
  decoyHash(): Promise<string>;
  /** Runs a whole password attempt once fewer than `concurrency` others are running. */
  admit<T>(attempt: () => Promise<T>): Promise<T>;
}

export function createPasswordHasher(options: { concurrency: number }): PasswordHasher {
  const gate = createGate(options.concurrency);
  const admission = createGate(options.concurrency);
  let decoy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => gate(() => hash(password, { algorithm: Argon2id })),
    verify: (passwordHash, password) =>
      gate(async () => {
        try {
          return await verify(passwordHash, password);
        } catch {
          return false;
        }
      }),
    decoyHash: () => {
      decoy ??= hasher.hash('decoy password that matches no account');
      return decoy;
    },
    admit: (attempt) => admission(attempt),
  };
  return hasher;
}

/** Runs at most `limit` tasks at once, the rest in arrival order. */
function createGate(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, or give it back.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
