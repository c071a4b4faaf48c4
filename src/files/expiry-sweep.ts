/**
 * Cleans up uploads abandoned past their expiry (≥ 24 h, so a slow 5 GB upload is never cut
 * off): their stored bytes and their reserved rows.
 */
import type { Server } from '@tus/server';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { deleteFileRow, listExpiredUploads } from '../db/queries/files';
import type { DB } from '../db/schema';
import type { FileStorage } from './storage';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

export async function sweepExpiredUploads(options: {
  db: Kysely<DB>;
  storage: FileStorage;
  now?: Date;
}): Promise<number> {
  const expired = await listExpiredUploads(options.db, (options.now ?? new Date()).toISOString());
  for (const file of expired) {
    await options.storage.remove(file.id).catch(() => undefined); // already gone is fine
    await deleteFileRow(options.db, file.id);
  }
  return expired.length;
}

export function startExpirySweep(options: {
  db: Kysely<DB>;
  storage: FileStorage;
  tus: Server;
  log: FastifyBaseLogger;
}): { stop(): void } {
  const timer = setInterval(() => {
    sweepExpiredUploads(options)
      .then(async (count) => {
        await options.tus.cleanUpExpiredUploads().catch(() => 0);
        if (count > 0) options.log.info(`removed ${count} expired upload(s)`);
      })
      .catch((error: unknown) => options.log.error({ err: error }, 'expired-upload sweep failed'));
  }, SWEEP_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
