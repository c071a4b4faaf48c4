/**
 * One-click unsubscribe tokens: whose choice and which kind of mail, signed with a key derived
 * from the instance key (HMAC-SHA256), so a link works without logging in, cannot be forged for
 * someone else, and needs no table. The link changes nothing but that one kind of mail.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isMailKind, type Subscription } from '../domain/notifications';

export interface UnsubscribeTokens {
  sign(subscription: Subscription): string;
  /** The subscription a token names, or undefined when it is not one of ours. */
  verify(token: string): Subscription | undefined;
}

export function createUnsubscribeTokens(instanceKey: Buffer): UnsubscribeTokens {
  const key = createHmac('sha256', instanceKey).update('milepost unsubscribe v1').digest();
  const mac = (payload: string) =>
    createHmac('sha256', key).update(payload).digest().subarray(0, 18).toString('base64url');
  return {
    sign(s) {
      const payload = Buffer.from(
        `${s.audience === 'client' ? 'c' : 'f'}|${s.subjectId}|${s.kind}`,
      ).toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    verify(token) {
      if (token.length > 300) return undefined;
      const [payload, signature, extra] = token.split('.');
      if (payload === undefined || signature === undefined || extra !== undefined) return undefined;
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const [who, subjectId, kind, more] = Buffer.from(payload, 'base64url')
        .toString('utf8')
        .split('|');
      if (subjectId === undefined || kind === undefined || more !== undefined) return undefined;
      if (who === 'c' && isMailKind('client', kind)) {
        return { audience: 'client', subjectId, kind } as Subscription;
      }
      if (who === 'f' && isMailKind('freelancer', kind)) {
        return { audience: 'freelancer', subjectId, kind } as Subscription;
      }
      return undefined;
    },
  };
}
