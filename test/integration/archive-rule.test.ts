/**
 * One rule for archived projects (issue #8): read-only for both sides — the freelancer's and the
 * client's writes are 409 ARCHIVED — while the client keeps what they paid for (paid files,
 * receipts, terms) by code, by link and with a session opened before, until the freelancer
 * revokes access, which ends every client session at once. (Before, a code was refused for an
 * archived project while a client already signed in could still change it.)
 */
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectNoContent,
  expectStatus,
  milestoneInput,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
  Actor,
} from './harness';
import {
  fetchFile,
  fetchPdf,
  offlinePayment,
  portalReceipts,
  refund,
  uploadFile,
} from './payments-helpers';

describe.each(dialects)('archived projects on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('read-only for both sides; paid things stay readable by code, link and session until access is revoked', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer, {
      amounts: [400_00, 250_00, 100_00],
    });
    const [first, second, third] = milestones;
    if (!first || !second || !third) throw new Error('three milestones expected');
    const paidFile = await uploadFile(app(), freelancer, first.id, 'paid.bin', Buffer.from('p'));
    await deliver(freelancer, project.id, first.id);
    expectStatus(
      await offlinePayment(freelancer, project.id, first.id, 400_00),
      201,
      C.OfflinePaymentResult,
    );
    const unpaidFile = await uploadFile(app(), freelancer, second.id, 'due.bin', Buffer.from('u'));
    await deliver(freelancer, project.id, second.id);
    const access = await share(freelancer, project.id);
    const before = await openPortal(app(), { code: access.code }, 'client signed in before');

    expectStatus(
      await freelancer.post(`/api/projects/${project.id}/archive`),
      200,
      C.ProjectEnvelope,
    );

    // The client's writes: refused, whoever holds a session.
    expectError(await before.post('/api/portal/terms', { accept: true }), {
      status: 409,
      code: 'ARCHIVED',
    });
    expectError(await before.post(`/api/portal/milestones/${second.id}/checkout`), {
      status: 409,
      code: 'ARCHIVED',
    });
    // The freelancer's writes: refused.
    const writes = [
      await freelancer.patch(`/api/projects/${project.id}`, { title: 'Renamed' }),
      await freelancer.post(
        `/api/projects/${project.id}/milestones`,
        milestoneInput(3, { amountMinor: 50_00 }),
      ),
      await freelancer.patch(`/api/projects/${project.id}/milestones/${third.id}`, {
        title: 'Changed',
      }),
      await freelancer.delete(`/api/projects/${project.id}/milestones/${third.id}`),
      await offlinePayment(freelancer, project.id, second.id, 250_00),
    ];
    for (const res of writes) expectError(res, { status: 409, code: 'ARCHIVED' });

    // Reading what was paid for: by the session held before, by code, by link.
    const byCode = await openPortal(app(), { code: access.code }, 'client by code');
    const byLink = await openPortal(app(), { token: access.token }, 'client by link');
    const clients: Actor[] = [before, byCode, byLink];
    for (const client of clients) {
      const view = expectStatus(await client.get('/api/portal/project'), 200, C.PortalProject);
      expect(view.project.archivedAt, client.label).not.toBeNull();
      expect(view.milestones.map((m) => m.status)).toEqual(['paid', 'delivered', 'locked']);
      expect(view.paymentInstructions, 'nothing to pay in an archived project').toBeNull();
      expect((await fetchFile(app(), client, paidFile.id)).status, client.label).toBe(200);
      expect((await fetchFile(app(), client, unpaidFile.id)).status, client.label).toBe(402);
      const receipts = await portalReceipts(client);
      expect(receipts, client.label).toHaveLength(1);
      const pdf = await fetchPdf(client, `/api/portal/receipts/${receipts[0]?.id ?? ''}/pdf`);
      expect(pdf.status, client.label).toBe(200);
    }

    // Refunds are still recorded (money moved); access can still be revoked.
    expectStatus(await refund(freelancer, project.id, first.id, 10_00), 201, C.RefundResult);
    expectNoContent(await freelancer.delete(`/api/projects/${project.id}/access`));
    for (const client of clients) {
      expectError(await client.get('/api/portal/project'), {
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect((await fetchFile(app(), client, paidFile.id)).status, client.label).toBe(401);
    }
    for (const credentials of [{ code: access.code }, { token: access.token }]) {
      const stranger = new Actor(app().url, 'client after revocation');
      expectError(await stranger.post('/api/portal/session', credentials), {
        status: 401,
        code: 'INVALID_ACCESS',
      });
    }

    // Unarchived, the project is the freelancer's to change again.
    expectStatus(
      await freelancer.post(`/api/projects/${project.id}/unarchive`),
      200,
      C.ProjectEnvelope,
    );
    expectStatus(
      await freelancer.patch(`/api/projects/${project.id}`, { title: 'Renamed' }),
      200,
      C.ProjectEnvelope,
    );
  });
});
