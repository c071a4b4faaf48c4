import type { SecretBox } from '../auth/secret-box';
import { appendActivity } from '../db/queries/activity';
import {
  insertCheckoutSession,
  listCheckoutSessionsOfMilestone,
} from '../db/queries/checkout-sessions';
import { findOwnedClient } from '../db/queries/clients';
import { listPaymentsOfMilestone } from '../db/queries/payments';
import { findProjectById, lockProjectById } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import { assertArchiveAllows } from '../domain/archive-rule';
import { AppError, notFound } from '../domain/errors';
import { isPayable } from '../domain/milestone-sequence';
import { balanceOf } from '../domain/payment-balance';
import { nowOf, type ActionContext } from './context';
import { assertContractAccepted } from './contract-gate';
import { assertNoDisputeBlocksPayment } from './dispute-gate';
import { movementsOf } from './credit-payment';
import { OPERATOR_ENDPOINT } from './handle-stripe-event';
import { stripeAccountFor } from './stripe-account';

// A session we hand out must leave the client time to pay.
const MIN_REMAINING_SECONDS = 10 * 60;

/**
 * The client's "Pay" on a delivered milestone: a Stripe Checkout Session on the freelancer's
 * account for exactly what is still owed. Repeated clicks get the same open session: one is
 * reused while it is open and matches, and concurrent creations share one idempotency key.
 * Refused (409 CONTRACT_NOT_ACCEPTED) until the client accepted the current contract version,
 * and (409 DISPUTE_OPEN) while a dispute on the delivery is active.
 */
export async function startCheckout(
  options: ActionContext & { secretBox: SecretBox; projectId: string; milestoneId: string },
): Promise<{ url: string; sessionId: string }> {
  const { db, config } = options;
  const project = await findProjectById(db, options.projectId);
  const milestone =
    project &&
    (await db
      .selectFrom('milestones')
      .selectAll()
      .where('id', '=', options.milestoneId)
      .where('project_id', '=', project.id)
      .executeTakeFirst());
  if (!project || !milestone) throw notFound('Milestone');
  assertArchiveAllows(project, 'client-change');
  if (!isPayable(milestone.status, milestone.is_deposit === 1)) {
    throw new AppError(
      milestone.status === 'paid' ? 'MILESTONE_ALREADY_PAID' : 'MILESTONE_NOT_DELIVERED',
      milestone.status === 'paid'
        ? `Milestone ${milestone.position} is already paid`
        : milestone.revision_requested_at !== null
          ? `Milestone ${milestone.position} is being revised: it can be paid once it is delivered again`
          : `Milestone ${milestone.position} can be paid once it is delivered`,
    );
  }
  // No payment while a dispute on this delivery is active.
  await assertNoDisputeBlocksPayment(db, milestone);
  // No payment before the client accepted the contract as it stands now.
  await assertContractAccepted(db, project.id, nowOf(options).toISOString());
  const owner = await findUserById(db, project.owner_id);
  const account = owner && stripeAccountFor(owner, options);
  if (!owner || !account) {
    throw new AppError(
      'STRIPE_NOT_CONFIGURED',
      'Online payment is not set up; please pay using the instructions shown',
    );
  }
  const { outstandingMinor } = balanceOf(
    milestone.amount_minor,
    movementsOf(await listPaymentsOfMilestone(db, milestone.id)),
  );
  const earlier = await listCheckoutSessionsOfMilestone(db, milestone.id);
  const reusable = earlier.find(
    (s) =>
      s.status === 'open' &&
      s.milestone_version === milestone.version &&
      s.amount_minor === outstandingMinor &&
      Date.parse(s.expires_at) - Date.now() > MIN_REMAINING_SECONDS * 1000,
  );
  if (reusable) return { url: reusable.url, sessionId: reusable.id };

  const metadata = {
    milestoneId: milestone.id,
    milestoneVersion: String(milestone.version),
    projectId: project.id,
  };
  const client = await findOwnedClient(db, owner.id, project.client_id);
  const session = await account.gateway.createCheckoutSession({
    amountMinor: outstandingMinor,
    currency: project.currency,
    productName: `${project.title} — milestone ${milestone.position}: ${milestone.title}`,
    metadata,
    successUrl: `${config.publicUrl}/portal?payment=returned`,
    cancelUrl: `${config.publicUrl}/portal?payment=cancelled`,
    ...(client?.email && { customerEmail: client.email }),
    idempotencyKey: `milepost-checkout-${milestone.id}-v${milestone.version}-${outstandingMinor}-${earlier.length}`,
  });
  if (!session.url) throw new AppError('PAYMENT_PROVIDER_ERROR', 'Stripe returned no payment page');
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const inserted = await insertCheckoutSession(trx, {
      id: session.id,
      owner_id: owner.id,
      project_id: project.id,
      milestone_id: milestone.id,
      milestone_version: milestone.version,
      amount_minor: outstandingMinor,
      currency: project.currency,
      url: session.url ?? '',
      status: 'open',
      expires_at: new Date(session.expiresAt * 1000).toISOString(),
      created_at: now,
      endpoint: account.source === 'own' ? owner.id : OPERATOR_ENDPOINT,
    });
    if (inserted) {
      await lockProjectById(trx, project.id, now);
      await appendActivity(trx, {
        projectId: project.id,
        actorType: 'client',
        actorId: null,
        action: 'checkout.started',
        details: {
          milestoneId: milestone.id,
          sessionId: session.id,
          amountMinor: outstandingMinor,
          currency: project.currency,
        },
        at: now,
      });
    }
  });
  return { url: session.url, sessionId: session.id };
}
