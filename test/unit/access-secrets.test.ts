import { describe, expect, it } from 'vitest';
import {
  generateAccessCode,
  generateLinkToken,
  hashSecret,
  hashesEqual,
  normalizeAccessCode,
} from '../../src/domain/access-secrets';

describe('access secrets', () => {
  it('makes codes of 12 Crockford symbols in three groups (60 bits)', () => {
    const codes = new Set(Array.from({ length: 1000 }, generateAccessCode));
    expect(codes.size).toBe(1000);
    for (const code of codes)
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('makes link tokens of 256 bits', () => {
    expect(Buffer.from(generateLinkToken(), 'base64url')).toHaveLength(32);
  });

  it('reads codes typed loosely: case, spaces, dashes and look-alike letters', () => {
    expect(normalizeAccessCode('k7qm 2xpd 9rta')).toBe('K7QM-2XPD-9RTA');
    expect(normalizeAccessCode('K7QM2XPD9RTA')).toBe('K7QM-2XPD-9RTA');
    expect(normalizeAccessCode('O0IL-1111-2222')).toBe('0011-1111-2222');
    expect(normalizeAccessCode('K7QM-2XPD')).toBeNull();
    expect(normalizeAccessCode('K7QM-2XPD-9RTU')).toBeNull(); // U is not in the alphabet
  });

  it('compares hashes without short-circuiting on length or content', () => {
    expect(hashesEqual(hashSecret('a'), hashSecret('a'))).toBe(true);
    expect(hashesEqual(hashSecret('a'), hashSecret('b'))).toBe(false);
    expect(hashesEqual(hashSecret('a'), 'abcd')).toBe(false);
  });
});
