/**
 * The two file stores the durability tests run against, each with a look at what it holds: the
 * local store (a folder under DATA_DIR) and S3 (a bucket of its own on the run's Ceph radosgw,
 * s3-helpers.ts).
 */
import { readdir, rm, truncate } from 'node:fs/promises';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { TestApp } from './harness';
import { startS3, type S3Fixture } from './s3-helpers';

/** One store the tests run against: its app settings, a look at what it holds, and damage. */
export interface Store {
  kind: 'local' | 's3';
  env: Record<string, string>;
  /** Every stored name (file, tus metadata, part) belonging to one upload id. */
  namesOf(app: TestApp, id: string): Promise<string[]>;
  /** Loses a stored file's bytes (`delete`) or all but its first `keep` bytes (`truncate`). */
  damage(app: TestApp, id: string, how: { delete: true } | { truncate: number }): Promise<void>;
  close(): Promise<void>;
}

async function localStore(): Promise<Store> {
  return {
    kind: 'local',
    env: {},
    namesOf: async (app, id) =>
      (await readdir(path.join(app.dataDir, 'files'))).filter((n) => n.startsWith(id)).sort(),
    damage: async (app, id, how) => {
      const file = path.join(app.dataDir, 'files', id);
      if ('delete' in how) await rm(file);
      else await truncate(file, how.truncate);
    },
    close: () => Promise.resolve(),
  };
}

async function s3Store(): Promise<Store> {
  const s3: S3Fixture = await startS3('store');
  const { client, bucket: Bucket } = s3;
  return {
    kind: 's3',
    env: s3.env,
    namesOf: (_app, id) => s3.keys(id),
    damage: async (_app, id, how) => {
      if ('delete' in how) {
        await client.send(new DeleteObjectCommand({ Bucket, Key: id }));
        return;
      }
      const got = await client.send(
        new GetObjectCommand({ Bucket, Key: id, Range: `bytes=0-${how.truncate - 1}` }),
      );
      const Body = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
      await client.send(new PutObjectCommand({ Bucket, Key: id, Body }));
    },
    close: () => s3.close(),
  };
}

export const stores = [
  { kind: 'local', start: localStore },
  { kind: 's3', start: s3Store },
] as const;
