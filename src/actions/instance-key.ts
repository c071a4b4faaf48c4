/**
 * The instance's Ed25519 signing key: read from the database, or made once and stored there
 * (migration 0034) — whichever instance comes first, the others read the same row — so every
 * instance on one PostgreSQL signs alike. The private key is sealed with SECRET_KEY: instances
 * sharing a database must share SECRET_KEY too (as the Stripe keys already require).
 */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../auth/secret-box';
import { findInstanceKey, insertInstanceKeyIfAbsent } from '../db/queries/evidence';
import type { DB } from '../db/schema';
import type { Clock } from '../domain/clock';
import {
  generateSigningKey,
  keyFingerprint,
  publicKeyPem,
  signBytes,
  SIGNING_ALGORITHM,
} from '../evidence/signing';

export interface InstanceSigner {
  algorithm: typeof SIGNING_ALGORITHM;
  /** Raw public key, base64. */
  publicKey: string;
  publicKeyPem: string;
  fingerprint: string;
  sign(bytes: Buffer): Buffer;
}

const PURPOSE = 'evidence-signing';

export async function loadInstanceSigner(options: {
  db: Kysely<DB>;
  secretBox: SecretBox;
  clock: Clock;
}): Promise<InstanceSigner> {
  const { db, secretBox } = options;
  let row = await findInstanceKey(db, PURPOSE);
  if (!row) {
    const made = generateSigningKey();
    await insertInstanceKeyIfAbsent(db, {
      purpose: PURPOSE,
      algorithm: SIGNING_ALGORITHM,
      public_key: made.publicKey,
      private_key_sealed: secretBox.seal(made.privateKeyDer.toString('base64')),
      created_at: options.clock.now().toISOString(),
    });
    row = await findInstanceKey(db, PURPOSE);
    if (!row) throw new Error('the instance signing key could not be stored');
  }
  let privateKeyDer: Buffer;
  try {
    privateKeyDer = Buffer.from(secretBox.open(row.private_key_sealed), 'base64');
  } catch (error) {
    throw new Error(
      'the instance signing key cannot be opened with this SECRET_KEY: every instance on one ' +
        'database needs the same SECRET_KEY',
      { cause: error },
    );
  }
  const publicKey = row.public_key;
  return {
    algorithm: SIGNING_ALGORITHM,
    publicKey,
    publicKeyPem: publicKeyPem(publicKey),
    fingerprint: keyFingerprint(publicKey),
    sign: (bytes) => signBytes(privateKeyDer, bytes),
  };
}

/** One signer per app, loaded on first use (a failed load is tried again next time). */
export function lazyInstanceSigner(options: Parameters<typeof loadInstanceSigner>[0]) {
  let loading: Promise<InstanceSigner> | undefined;
  return (): Promise<InstanceSigner> => {
    loading ??= loadInstanceSigner(options).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
