/**
 * The payment gate (issue #11): the client's Pay is refused with 409 CONTRACT_NOT_ACCEPTED until
 * the project's CURRENT contract version is accepted — an acceptance of an earlier version no
 * longer counts once the contract's text changed. The freelancer recording money already received is not
 * the client paying and is not gated. The contract acceptance is the portal's accept step: it
 * sets the project's "terms accepted" date.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as C from './contract';
import { useAppWithFakeStripe } from './fake-stripe';
import {
  SUITE_TIMEOUT,
  acceptContract,
  dialects,
  expectError,
  expectStatus,
  getActivity,
  getPortal,
  getProject,
} from './harness';
import { checkout, clickPay, deliveredProject, offlinePayment } from './payments-helpers';

const ContractRecord = z.object({
  current: z.object({ id: z.string(), version: z.number().int(), sha256: z.string() }),
  versions: z.array(z.object({ version: z.number().int(), acceptedAt: z.string().nullable() })),
});

describe.each(dialects)('the contract gates payment on %s', SUITE_TIMEOUT, (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  const sessionsCreated = () =>
    stripe().requests.filter((r) => r.path === '/v1/checkout/sessions').length;

  test('Pay before acceptance is refused with 409 naming the contract; after acceptance it opens checkout', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00], acceptContract: false });
    const before = sessionsCreated();
    const refused = expectError(await clickPay(d.client, d.first.id), {
      status: 409,
      code: 'CONTRACT_NOT_ACCEPTED',
    });
    expect(refused.message).toMatch(/contract/i);
    expect(refused.message).toContain('version 1');
    expect(sessionsCreated(), 'no Stripe session is asked for').toBe(before);
    expect((await getPortal(d.client)).project.termsAcceptedAt).toBeNull();

    expect(await acceptContract(d.client, 'Clara Client')).toBe(1);
    const started = await checkout(d.client, d.first.id);
    expect(started.sessionId).not.toBe('');
    expect(sessionsCreated()).toBe(before + 1);
    // The contract acceptance is the portal's accept step: the project shows terms accepted.
    const accepted = (await getProject(d.freelancer, d.project.id)).project.termsAcceptedAt;
    expect(accepted).not.toBeNull();
    expect((await getPortal(d.client)).project.termsAcceptedAt).toBe(accepted);
  });

  test('a new version makes the earlier acceptance not count (the client renamed after accepting)', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00] });
    // Version 1 is accepted (by deliveredProject). After acceptance, milestones change only
    // through change orders; the parties' names are in the contract too, so renaming the
    // client's company makes version 2 — which the client has not accepted.
    expectStatus(
      await d.freelancer.patch(`/api/clients/${d.project.clientId}`, { company: 'Renamed Ltd' }),
      200,
      z.unknown(),
    );
    const stale = expectError(await clickPay(d.client, d.first.id), {
      status: 409,
      code: 'CONTRACT_NOT_ACCEPTED',
    });
    expect(stale.message).toContain('version 2');
    const record = expectStatus(await d.client.get('/api/portal/contract'), 200, ContractRecord);
    expect(record.current.version).toBe(2);
    expect(record.versions.map((v) => v.acceptedAt !== null)).toEqual([true, false]);

    expect(await acceptContract(d.client)).toBe(2);
    expectStatus(await clickPay(d.client, d.first.id), 200, C.CheckoutStarted);
    const actions = (await getActivity(d.freelancer, d.project.id)).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'contract.accepted')).toHaveLength(2);
  });

  test('a client who read version 1 cannot accept it once version 2 exists, and still cannot pay', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00], acceptContract: false });
    const second = d.milestones[1];
    if (!second) throw new Error('two milestones expected');
    const read = expectStatus(await d.client.get('/api/portal/contract'), 200, ContractRecord);
    expectStatus(
      await d.freelancer.patch(`/api/projects/${d.project.id}/milestones/${second.id}`, {
        amountMinor: 199_99,
      }),
      200,
      z.unknown(),
    );
    const conflict = expectError(
      await d.client.post('/api/portal/contract/accept', {
        fullName: 'Clara Client',
        sha256: read.current.sha256,
      }),
      { status: 409, code: 'CONFLICT' },
    );
    expect(conflict.message).toContain('version 2');
    expectError(await clickPay(d.client, d.first.id), {
      status: 409,
      code: 'CONTRACT_NOT_ACCEPTED',
    });
  });

  test('the freelancer recording money received is not gated (it is not the client paying)', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00], acceptContract: false });
    const res = await offlinePayment(d.freelancer, d.project.id, d.first.id, 300_00);
    const recorded = expectStatus(res, 201, C.OfflinePaymentResult);
    expect(recorded.milestone.status).toBe('paid');
    // Still no acceptance: the contract is not pretended to be accepted.
    expect((await getPortal(d.client)).project.termsAcceptedAt).toBeNull();
  });
});
