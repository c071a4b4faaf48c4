/**
 * Offline payments, refunds and receipts (contract: "Payments and receipts — Offline payments and
 * refunds", "Receipts"): partial payments below and then above the amount; the refusals by
 * milestone state; refunds by hand up to what was received (a full refund locks the files
 * again); gapless receipt numbers under 20 concurrent payments across several projects; the
 * receipt PDF for both parties (and nobody else), read back as text: amount, currency, method,
 * reference, a Polish name and every delivered file's name and SHA-256; receipts by email to both
 * parties through SMTP (smtp-server on loopback) or, without SMTP, as .eml files in the outbox.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  createClient,
  createProject,
  deliver,
  dialects,
  expectError,
  expectStatus,
  milestonesByAmount,
  openPortal,
  share,
  signUp,
  uniqueEmail,
  useApp,
  type Actor,
  type TestApp,
} from './harness';
import {
  actions,
  allReceipts,
  deliveredProject,
  fetchFile,
  fetchPdf,
  milestoneOf,
  moneyProject,
  offlinePayment,
  pdfText,
  portalFileList,
  portalReceipts,
  projectReceipts,
  refund,
} from './payments-helpers';
import { mailTo, waitFor, useAppWithSmtp } from './smtp-helpers';

const POLISH_NAME = 'Łukasz Żółć';

async function outboxMessages(app: TestApp): Promise<string[]> {
  const dir = path.join(app.dataDir, 'outbox');
  const names = await readdir(dir).then(
    (all) => all.filter((n) => n.endsWith('.eml')),
    () => [],
  );
  return Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
}

/** The addresses in an RFC 5322 message's To: header. */
function toHeader(raw: string): string {
  const match = /^To: (.*(?:\r?\n[ \t].*)*)/im.exec(raw);
  return match?.[1] ?? '';
}

describe.each(dialects)('offline payments and receipts on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('partial payments: under, then over; statuses and balances; refusals by milestone state', async () => {
    const d = await deliveredProject(app(), { amounts: [1_000_00, 500_00, 250_00] });
    const [m1, m2, m3] = d.milestones;
    if (m1 === undefined || m2 === undefined || m3 === undefined)
      throw new Error('three milestones expected');

    const under = expectStatus(
      await offlinePayment(d.freelancer, d.project.id, m1.id, 400_00, { reference: 'TR-1' }),
      201,
      C.OfflinePaymentResult,
    );
    expect(under.payment).toMatchObject({
      milestoneId: m1.id,
      amountMinor: 400_00,
      currency: 'EUR',
      method: 'bank_transfer',
      reference: 'TR-1',
      receivedOn: '2026-07-20',
      kind: 'payment',
      source: 'offline',
      status: 'credited',
    });
    expect(under.milestone).toMatchObject({
      status: 'delivered',
      receivedMinor: 400_00,
      refundedMinor: 0,
      outstandingMinor: 600_00,
      overpaidMinor: 0,
      refundedInFull: false,
    });
    expect(
      (await portalFileList(d.client)).map((f) => f.downloadable),
      'a part payment unlocks nothing',
    ).toEqual([false]);
    expect((await fetchFile(app(), d.client, d.files[0]?.id ?? '')).status).toBe(402);
    expect((await moneyProject(d.freelancer, d.project.id)).milestones[1]?.status).toBe('locked');

    const over = expectStatus(
      await offlinePayment(d.freelancer, d.project.id, m1.id, 700_00, {
        method: 'cash',
        reference: 'CASH-2',
      }),
      201,
      C.OfflinePaymentResult,
    );
    expect(over.milestone).toMatchObject({
      status: 'paid',
      receivedMinor: 1_100_00,
      outstandingMinor: 0,
      overpaidMinor: 100_00,
    });
    const detail = await moneyProject(d.freelancer, d.project.id);
    expect(detail.milestones.map((m) => m.status)).toEqual(['paid', 'open', 'locked']);
    expect(detail.project.paidMinor).toBe(1_000_00);
    expect(detail.payments.map((p) => p.amountMinor)).toEqual([400_00, 700_00]);
    expect((await portalFileList(d.client)).map((f) => f.downloadable)).toEqual([true]);
    expect((await fetchFile(app(), d.client, d.files[0]?.id ?? '')).status).toBe(200);
    const portal = (await portalReceipts(d.client)).map((r) => r.number).sort();
    expect(portal, 'the client sees both receipts').toEqual([1, 2]);

    expectError(await offlinePayment(d.freelancer, d.project.id, m1.id, 1_00), {
      status: 409,
      code: 'MILESTONE_ALREADY_PAID',
    });
    expectError(await offlinePayment(d.freelancer, d.project.id, m2.id, 1_00), {
      status: 409,
      code: 'MILESTONE_NOT_DELIVERED',
    });
    expectError(await offlinePayment(d.freelancer, d.project.id, m3.id, 1_00), {
      status: 409,
      code: 'MILESTONE_LOCKED',
    });
    for (const bad of [
      { amountMinor: 0, method: 'cash', receivedOn: '2026-07-20' },
      { amountMinor: -5, method: 'cash', receivedOn: '2026-07-20' },
      { amountMinor: 1.5, method: 'cash', receivedOn: '2026-07-20' },
      { amountMinor: 100, method: 'stripe', receivedOn: '2026-07-20' },
      { amountMinor: 100, method: 'cash', receivedOn: '20/07/2026' },
    ]) {
      expectError(
        await d.freelancer.post(`/api/projects/${d.project.id}/milestones/${m2.id}/payments`, bad),
        { status: 400 },
      );
    }

    const receipts = await projectReceipts(d.freelancer, d.project.id);
    expect(receipts.map((r) => [r.number, r.label, r.amountMinor, r.method]).sort()).toEqual([
      [1, 'R-000001', 400_00, 'bank_transfer'],
      [2, 'R-000002', 700_00, 'cash'],
    ]);
    for (const r of receipts)
      expect(r).toMatchObject({
        projectId: d.project.id,
        milestoneId: m1.id,
        milestonePosition: 1,
        currency: 'EUR',
      });
    const names = (await actions(d.freelancer, d.project.id)).map((e) => e.action);
    expect(names.filter((a) => a === 'payment.recorded')).toHaveLength(2);
    expect(names.filter((a) => a === 'receipt.issued')).toHaveLength(2);
    expect(names.filter((a) => a === 'milestone.paid')).toHaveLength(1);
  });

  test('refunds by hand: never more than the net received; a full refund locks the files and returns the milestone to delivered', async () => {
    const d = await deliveredProject(app(), { amounts: [1_000_00, 300_00] });
    const m1 = d.first;
    expectError(await refund(d.freelancer, d.project.id, m1.id, 1), {
      status: 409,
      code: 'REFUND_TOO_LARGE',
    });
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, m1.id, 1_100_00),
      201,
      C.OfflinePaymentResult,
    );

    expectError(await refund(d.freelancer, d.project.id, m1.id, 1_100_01), {
      status: 409,
      code: 'REFUND_TOO_LARGE',
      field: 'amountMinor',
    });
    const first = expectStatus(
      await refund(d.freelancer, d.project.id, m1.id, 100_00, 'RF-1'),
      201,
      C.RefundResult,
    );
    expect(first.refund).toMatchObject({
      amountMinor: 100_00,
      kind: 'refund',
      method: 'refund',
      reference: 'RF-1',
      receivedOn: '2026-07-25',
    });
    expect(first.milestone).toMatchObject({
      status: 'paid',
      receivedMinor: 1_100_00,
      refundedMinor: 100_00,
      overpaidMinor: 0,
      refundedInFull: false,
    });
    expect(
      (await fetchFile(app(), d.client, d.files[0]?.id ?? '')).status,
      'a part refund keeps the files open',
    ).toBe(200);

    expectError(await refund(d.freelancer, d.project.id, m1.id, 1_000_01), {
      status: 409,
      code: 'REFUND_TOO_LARGE',
    });
    const full = expectStatus(
      await refund(d.freelancer, d.project.id, m1.id, 1_000_00, 'RF-2'),
      201,
      C.RefundResult,
    );
    expect(full.milestone).toMatchObject({
      status: 'delivered',
      refundedMinor: 1_100_00,
      refundedInFull: true,
    });
    expectError(await refund(d.freelancer, d.project.id, m1.id, 1), {
      status: 409,
      code: 'REFUND_TOO_LARGE',
    });

    expectError(await d.client.get(`/api/files/${d.files[0]?.id ?? ''}`), {
      status: 402,
      code: 'PAYMENT_REQUIRED',
    });
    expect((await portalFileList(d.client)).map((f) => f.downloadable)).toEqual([false]);
    const detail = await moneyProject(d.freelancer, d.project.id);
    expect(milestoneOf(detail, m1.id)).toMatchObject({
      status: 'delivered',
      refundedInFull: true,
    });
    expect(detail.milestones[1]?.status, 'the next milestone keeps its state').toBe('open');
    const names = (await actions(d.freelancer, d.project.id)).map((e) => e.action);
    expect(names.filter((a) => a === 'payment.refunded')).toHaveLength(2);
    expect(names.filter((a) => a === 'files.locked')).toHaveLength(1);
    const other = await signUp(app());
    expectError(await refund(other, d.project.id, m1.id, 1), { status: 404 });
  });

  test('receipt numbers stay gapless under 20 concurrent payments across four projects of one freelancer', async () => {
    const freelancer = await signUp(app());
    const projects = [];
    for (let i = 0; i < 4; i++) {
      const d = await deliveredProject(app(), {
        freelancer,
        amounts: [10_000_00, 1_00],
        title: `Concurrent ${i + 1}`,
      });
      projects.push(d);
    }
    const requests = projects.flatMap((d) =>
      Array.from(
        { length: 5 },
        (_, k) => () =>
          offlinePayment(d.freelancer, d.project.id, d.first.id, 2_000_00, {
            reference: `P${k + 1}`,
          }),
      ),
    );
    const responses = await Promise.all(requests.map((send) => send()));
    for (const res of responses) expectStatus(res, 201, C.OfflinePaymentResult);

    const receipts = await allReceipts(freelancer);
    expect(receipts.map((r) => r.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(new Set(receipts.map((r) => r.label)).size).toBe(20);
    for (const d of projects) {
      const detail = await moneyProject(freelancer, d.project.id);
      expect(
        detail.milestones.map((m) => m.status),
        d.project.title,
      ).toEqual(['paid', 'open']);
      expect(milestoneOf(detail, d.first.id)).toMatchObject({
        receivedMinor: 10_000_00,
        outstandingMinor: 0,
        overpaidMinor: 0,
      });
      const names = (await actions(freelancer, d.project.id)).map((e) => e.action);
      expect(
        names.filter((a) => a === 'milestone.paid'),
        d.project.title,
      ).toHaveLength(1);
      expect((await projectReceipts(freelancer, d.project.id)).length).toBe(5);
    }
  });

  test(`the receipt PDF: both parties, nobody else; amount, currency, method, reference, "${POLISH_NAME}", every file's SHA-256`, async () => {
    const freelancer = await signUp(app(), uniqueEmail('lukasz'), POLISH_NAME);
    const files = [
      { name: 'Logo final.svg', bytes: randomBytes(3_000) },
      { name: 'Brief Łódź.pdf', bytes: randomBytes(12_345) },
    ];
    const d = await deliveredProject(app(), {
      freelancer,
      amounts: [1_234_56, 99_00],
      currency: 'EUR',
      title: 'Brand book',
      files,
    });
    expectStatus(
      await offlinePayment(freelancer, d.project.id, d.first.id, 1_234_56, {
        method: 'cheque',
        reference: 'CHQ-000417',
      }),
      201,
      C.OfflinePaymentResult,
    );
    const [receipt] = await projectReceipts(freelancer, d.project.id);
    if (receipt === undefined) throw new Error('no receipt');
    expect(receipt).toMatchObject({
      number: 1,
      label: 'R-000001',
      amountMinor: 1_234_56,
      currency: 'EUR',
      method: 'cheque',
      projectTitle: 'Brand book',
    });

    const mine = await fetchPdf(freelancer, `/api/receipts/${receipt.id}/pdf`);
    expect(mine.status).toBe(200);
    expect(mine.type).toMatch(/^application\/pdf/);
    expect(mine.disposition).toMatch(/^attachment;.*R-000001\.pdf/);
    expect(mine.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const theirs = await fetchPdf(d.client, `/api/portal/receipts/${receipt.id}/pdf`);
    expect(theirs.status).toBe(200);
    expect(theirs.type).toMatch(/^application\/pdf/);

    for (const bytes of [mine.bytes, theirs.bytes]) {
      const text = await pdfText(bytes);
      for (const expected of [
        'R-000001',
        '€1,234.56',
        'EUR',
        'Cheque',
        'CHQ-000417',
        POLISH_NAME,
        'Brand book',
        d.project.clientName,
      ]) {
        expect(text, `the PDF states ${expected}`).toContain(expected);
      }
      for (const file of d.files) {
        expect(text, `the PDF names ${file.name}`).toContain(file.name);
        expect(text, `the PDF holds the SHA-256 of ${file.name}`).toContain(file.sha256);
      }
    }

    // The receipt is a snapshot: renaming the freelancer later does not rewrite it.
    expectStatus(
      await freelancer.put('/api/settings', {
        name: 'Renamed Later',
        businessName: '',
        paymentInstructions: '',
      }),
      200,
      C.Settings,
    );
    const later = await pdfText(
      (await fetchPdf(freelancer, `/api/receipts/${receipt.id}/pdf`)).bytes,
    );
    expect(later).toContain(POLISH_NAME);
    expect(later).not.toContain('Renamed Later');

    // Read in the reader's language: the freelancer switched to German; the client's stays English.
    expectStatus(
      await freelancer.put('/api/settings', {
        name: 'Renamed Later',
        businessName: '',
        paymentInstructions: '',
        locale: 'de',
      }),
      200,
      C.Settings,
    );
    const german = await pdfText(
      (await fetchPdf(freelancer, `/api/receipts/${receipt.id}/pdf`)).bytes,
    );
    for (const expected of ['Quittung R-000001', '1.234,56', 'Scheck', 'Erhaltener Betrag'])
      expect(german, `the German PDF states ${expected}`).toContain(expected);
    expect(german).toContain(POLISH_NAME);
    const english = await pdfText(
      (await fetchPdf(d.client, `/api/portal/receipts/${receipt.id}/pdf`)).bytes,
    );
    expect(english).toContain('Amount received');
    expect(english).not.toContain('Quittung');
    expectStatus(
      await freelancer.put('/api/settings', {
        name: 'Renamed Later',
        businessName: '',
        paymentInstructions: '',
        locale: 'en',
      }),
      200,
      C.Settings,
    );

    // The client of another project of the same freelancer sees neither the receipt nor its PDF.
    const sibling = await deliveredProject(app(), { freelancer, amounts: [10_00] });
    expect((await fetchPdf(sibling.client, `/api/portal/receipts/${receipt.id}/pdf`)).status).toBe(
      404,
    );
    expect(await portalReceipts(sibling.client)).toEqual([]);

    // Nobody else: another project's client, another freelancer, nobody at all.
    const stranger = await deliveredProject(app(), { amounts: [10_00] });
    expect((await fetchPdf(stranger.client, `/api/portal/receipts/${receipt.id}/pdf`)).status).toBe(
      404,
    );
    expect((await fetchPdf(stranger.freelancer, `/api/receipts/${receipt.id}/pdf`)).status).toBe(
      404,
    );
    expect(await portalReceipts(stranger.client)).toEqual([]);
    const anonymous = await fetch(`${app().url}/api/receipts/${receipt.id}/pdf`);
    expect(anonymous.status).toBe(401);
    const anonymousPortal = await fetch(`${app().url}/api/portal/receipts/${receipt.id}/pdf`);
    expect(anonymousPortal.status).toBe(401);

    // Without SMTP_URL the receipt goes to both parties as .eml files in DATA_DIR/outbox,
    // written by the mail worker once it has taken the queued messages.
    await app().drainMail();
    const withReceipt = (await outboxMessages(app())).filter((raw) => raw.includes('R-000001.pdf'));
    for (const address of [freelancer.email ?? '', d.project.clientEmail]) {
      const found = withReceipt.filter((raw) => toHeader(raw).includes(address));
      expect(found, `an .eml with the receipt for ${address}`).toHaveLength(1);
      expect(found[0]).toMatch(/Content-Type: application\/pdf/i);
    }
    const sent = expectStatus(
      await freelancer.post('/api/settings/test-email'),
      200,
      C.TestEmailSent,
    );
    expect(sent).toEqual({ sentTo: freelancer.email, transport: 'outbox' });
    const tests = (await outboxMessages(app())).filter(
      (raw) =>
        toHeader(raw).includes(freelancer.email ?? '') && raw.includes('Milepost test email'),
    );
    expect(tests).toHaveLength(1);
  });
});

describe.each(dialects)('receipts by SMTP on %s', SUITE_TIMEOUT, (dialect) => {
  const ready = useAppWithSmtp(dialect, {
    MAIL_FROM: 'Milepost <receipts@milepost.test>',
  });

  test('after a payment both parties receive the receipt PDF by SMTP; nothing goes to the outbox', async () => {
    const { app, mail } = ready();
    const d = await deliveredProject(app, { amounts: [250_00] });
    const view = expectStatus(
      await d.freelancer.get('/api/settings/payments'),
      200,
      C.PaymentSettings,
    );
    expect(view.mail.transport).toBe('smtp');
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 250_00),
      201,
      C.OfflinePaymentResult,
    );
    const freelancerEmail = d.freelancer.email ?? '';
    const withPdf = (address: string) =>
      mailTo(mail, address).filter((m) => /Content-Type: application\/pdf/i.test(m.raw));
    await waitFor(
      'the receipt for both parties',
      () => withPdf(freelancerEmail).length > 0 && withPdf(d.project.clientEmail).length > 0,
    );
    for (const address of [freelancerEmail, d.project.clientEmail]) {
      const [message] = withPdf(address);
      expect(message?.to, `RCPT TO for ${address}`).toEqual([address]);
      expect(message?.from).toBe('receipts@milepost.test');
      expect(message?.raw).toContain('R-000001.pdf');
      expect(message?.raw).toMatch(/Subject: .*R-000001/);
      expect(withPdf(address), `one receipt mail for ${address}`).toHaveLength(1);
    }
    expect((await outboxMessages(app)).filter((raw) => raw.includes('R-000001.pdf'))).toEqual([]);
  });

  test('POST /api/settings/test-email reaches the SMTP server; a refusal is 502 MAIL_FAILED', async () => {
    const { app, mail } = ready();
    const freelancer: Actor = await signUp(app);
    const sent = expectStatus(
      await freelancer.post('/api/settings/test-email'),
      200,
      C.TestEmailSent,
    );
    expect(sent).toEqual({ sentTo: freelancer.email, transport: 'smtp' });
    await waitFor('the test email', () => mailTo(mail, freelancer.email ?? '').length > 0);
    expect(mailTo(mail, freelancer.email ?? '')[0]?.raw).toContain('Milepost test email');

    const refused = await signUp(app, uniqueEmail('refuse'));
    mail.refuse = /^refuse-/;
    try {
      expectError(await refused.post('/api/settings/test-email'), {
        status: 502,
        code: 'MAIL_FAILED',
      });
      // A refused receipt mail never undoes the payment: the receipt stays in the app.
      const client = await createClient(refused, { email: uniqueEmail('refuse-client') });
      const created = await createProject(refused, {
        clientId: client.id,
        milestones: milestonesByAmount([40_00]),
      });
      const first = created.milestones[0];
      if (first === undefined) throw new Error('no milestone');
      await deliver(refused, created.project.id, first.id);
      expectStatus(
        await offlinePayment(refused, created.project.id, first.id, 40_00),
        201,
        C.OfflinePaymentResult,
      );
      expect((await projectReceipts(refused, created.project.id)).map((r) => r.number)).toEqual([
        1,
      ]);
      const access = await share(refused, created.project.id);
      const portalClient = await openPortal(app, { code: access.code });
      expect((await portalReceipts(portalClient)).map((r) => r.label)).toEqual(['R-000001']);
    } finally {
      mail.refuse = undefined;
    }
  });
});
