import { randomInt, randomUUID } from 'node:crypto';
import { paymentReference } from '../domain/payment-reference';

export const newId = (): string => randomUUID();
export const nowIso = (): string => new Date().toISOString();
/** A fresh random payment reference ("MP-7F3K9Q"); uniqueness is the caller's to check. */
export const newPaymentReference = (): string => paymentReference((max) => randomInt(max));
