/**
 * Ed25519 for the evidence bundle: the instance signs a bundle's manifest, and anyone verifies it
 * with the public key alone — the raw 32 bytes in base64, as GET /api/instance-key publishes it,
 * or the same key as an SPKI PEM (what `openssl pkeyutl -verify` takes).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

// The DER header of an Ed25519 SubjectPublicKeyInfo; the raw key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const SIGNING_ALGORITHM = 'Ed25519';

export interface GeneratedKey {
  /** Raw public key, base64. */
  publicKey: string;
  /** PKCS#8 DER of the private key. */
  privateKeyDer: Buffer;
}

export function generateSigningKey(): GeneratedKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    publicKey: spki.subarray(SPKI_PREFIX.length).toString('base64'),
    privateKeyDer: privateKey.export({ format: 'der', type: 'pkcs8' }),
  };
}

export function signBytes(privateKeyDer: Buffer, bytes: Buffer): Buffer {
  return sign(null, bytes, createPrivateKey({ key: privateKeyDer, format: 'der', type: 'pkcs8' }));
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** False for a wrong signature and for a malformed key or signature alike. */
export function verifyBytes(publicKey: string, bytes: Buffer, signature: Buffer): boolean {
  const raw = parsePublicKey(publicKey);
  if (!raw || signature.length !== 64) return false;
  try {
    return verify(null, bytes, publicKeyObject(raw), signature);
  } catch {
    return false;
  }
}

/** The public key as an SPKI PEM file. */
export function publicKeyPem(publicKey: string): string {
  const raw = Buffer.from(publicKey, 'base64');
  return publicKeyObject(raw).export({ format: 'pem', type: 'spki' }).toString();
}

/**
 * A public key given by a person: the raw key in base64 (as published) or hex, or an SPKI PEM.
 * Undefined when it is none of these.
 */
export function parsePublicKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      const spki = createPublicKey(trimmed).export({ format: 'der', type: 'spki' });
      if (spki.length !== 44 || !spki.subarray(0, 12).equals(SPKI_PREFIX)) return undefined;
      return spki.subarray(12);
    } catch {
      return undefined;
    }
  }
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const raw = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return raw.length === 32 ? raw : undefined;
  }
  return undefined;
}

/** A short name for a key people can compare by eye: SHA-256 of the raw key, 16 hex digits. */
export function keyFingerprint(publicKey: string): string {
  const raw = parsePublicKey(publicKey) ?? Buffer.alloc(0);
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}
