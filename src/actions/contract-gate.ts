/**
 * The payment gate: a client pays only once they accepted the project's CURRENT contract version.
 * An acceptance of an earlier version does not count — when the project changed since (a
 * milestone re-priced before acceptance, say), the client must read and accept the new text.
 *
 * What is gated: everything where the client pays (starting a Stripe checkout). What is not: the
 * freelancer recording money they already received outside Milepost (src/actions/record-offline-
 * payment.ts) — that is the freelancer's own bookkeeping of a fact, not the client paying, and
 * refusing it would only make the books wrong. Stripe's webhooks are not gated either: money that
 * arrived is credited.
 */
import type { Kysely } from 'kysely';
import { findContractAcceptance, findLatestContractVersion } from '../db/queries/contracts';
import type { ContractVersionRow, DB } from '../db/schema';
import { AppError, notFound } from '../domain/errors';
import { ensureCurrentContract } from './contract-versions';

export const CONTRACT_NOT_ACCEPTED_MESSAGE = (version: number): string =>
  `The contract is not accepted: review and accept the contract (version ${version}) before paying`;

/** The current version and whether the client accepted it (the version is stored first if due). */
export async function currentContractStatus(
  db: Kysely<DB>,
  projectId: string,
  now: string,
): Promise<{ current: ContractVersionRow; accepted: boolean }> {
  await ensureCurrentContract(db, projectId, now);
  const current = await findLatestContractVersion(db, projectId);
  if (!current) throw notFound('Contract');
  const acceptance = await findContractAcceptance(db, projectId, current.id);
  return { current, accepted: acceptance !== undefined };
}

/** Refuses with 409 CONTRACT_NOT_ACCEPTED unless the current contract version is accepted. */
export async function assertContractAccepted(
  db: Kysely<DB>,
  projectId: string,
  now: string,
): Promise<void> {
  const { current, accepted } = await currentContractStatus(db, projectId, now);
  if (!accepted) {
    throw new AppError('CONTRACT_NOT_ACCEPTED', CONTRACT_NOT_ACCEPTED_MESSAGE(current.version));
  }
}
