import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { paymentReference } from '../domain/payment-reference';
import { STREAM_TAG_BYTES } from '../domain/stream-resume';

export const newId = (): string => randomUUID();
export const nowIso = (): string => new Date().toISOString();
/** A fresh random payment reference ("MP-7F3K9Q"); uniqueness is the caller's to check. */
export const newPaymentReference = (): string => paymentReference((max) => randomInt(max));
/** A fresh random tag for a stream entry: 12 base64url characters. */
export const newStreamTag = (): string => randomBytes(STREAM_TAG_BYTES).toString('base64url');
