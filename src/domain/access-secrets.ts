/**
 * The secrets that let a client in without an account: a link token (256 random bits) and a
 * code short enough to read aloud (12 Crockford base-32 symbols = 60 bits, as K7QM-2XPD-9RTA).
 * Only their SHA-256 hashes are stored; a high-entropy secret needs no slow hash.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_SYMBOLS = 12;

export function generateAccessCode(): string {
  const symbols = Array.from({ length: CODE_SYMBOLS }, () => CROCKFORD[randomInt(32)]).join('');
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}`;
}

export function generateLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `token` has the shape generateLinkToken gives (43 base64url characters). */
export function isWellFormedLinkToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** A session or CSRF token: 256 random bits. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the client typed, in the canonical form: case, spaces and dashes ignored, and the
 * look-alikes Crockford allows (O→0, I/L→1) folded. Null when it cannot be a code at all.
 */
export function normalizeAccessCode(input: string): string | null {
  const folded = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (folded.length !== CODE_SYMBOLS || [...folded].some((c) => !CROCKFORD.includes(c)))
    return null;
  return `${folded.slice(0, 4)}-${folded.slice(4, 8)}-${folded.slice(8, 12)}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
