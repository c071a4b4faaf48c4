/**
 * Mail as the recipient receives it, through the loopback SMTP server: multipart/alternative
 * (text and HTML), from "<Freelancer> via Milepost" at the instance's own address with the
 * freelancer as Reply-To, in the client's language, linking to the exact page under PUBLIC_URL.
 * The receipt goes to each party in their own language, with its PDF.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  dialects,
  expectStatus,
  signUp,
  startApp,
  type TestApp,
} from './harness';
import { deliveredProject, offlinePayment } from './payments-helpers';
import { mailTo, startSmtp, type SmtpCapture } from './smtp-helpers';

const PUBLIC_URL = 'http://milepost.test';

function firstAddress(value: AddressObject | AddressObject[] | undefined) {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list[0]?.value[0];
}

const settings = (locale: 'en' | 'de') => ({
  name: 'Fiona Freelancer',
  businessName: '',
  paymentInstructions: '',
  locale,
});

describe.each(dialects)('mail in HTML on %s', SUITE_TIMEOUT, (dialect) => {
  let app: TestApp | undefined;
  let smtp: SmtpCapture | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startApp(dialect, {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Milepost <mail@milepost.test>',
      PUBLIC_URL,
    });
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  }, HOOK_TIMEOUT);

  test('delivery and receipts arrive as multipart/alternative, each in its reader’s language', async () => {
    if (!app || !smtp) throw new Error('not started');
    const freelancer = await signUp(app);
    const freelancerEmail = freelancer.email ?? '';
    // The client is created while the freelancer's language is German, so theirs is German too;
    // the freelancer then goes back to English.
    expectStatus(await freelancer.put('/api/settings', settings('de')), 200, C.User.partial());
    // The delivery and the receipts only: no mail about the client's first visit.
    expect(
      (await freelancer.put('/api/settings/notifications', { mail: { client_visit: false } }))
        .status,
    ).toBe(200);
    const d = await deliveredProject(app, {
      freelancer,
      amounts: [250_00],
      title: 'Brand <b>refresh</b>',
      files: [{ name: 'logo.fig', bytes: Buffer.alloc(1_500_000, 7) }],
      // The freelancer records the payment (not gated by the contract); no acceptance mail.
      acceptContract: false,
    });
    expectStatus(await freelancer.put('/api/settings', settings('en')), 200, C.User.partial());
    await app.drainMail();

    const [deliveryRaw] = mailTo(smtp, d.project.clientEmail);
    expect(deliveryRaw, 'the delivery mail').toBeDefined();
    expect(deliveryRaw?.from).toBe('mail@milepost.test');
    expect(deliveryRaw?.raw).toMatch(/^Content-Type: multipart\/alternative/im);
    const delivery: ParsedMail = await simpleParser(deliveryRaw?.raw ?? '');
    expect(firstAddress(delivery.from)).toEqual({
      name: 'Fiona Freelancer über Milepost',
      address: 'mail@milepost.test',
    });
    expect(firstAddress(delivery.replyTo)?.address).toBe(freelancerEmail);
    expect(delivery.subject).toBe('Fiona Freelancer hat „Step 1“ geliefert – Brand <b>refresh</b>');
    const link = `${PUBLIC_URL}/portal/milestones/${d.first.id}`;
    expect(delivery.text).toContain('Hallo ');
    expect(delivery.text).toContain('logo.fig (1,5 MB)');
    expect(delivery.text).toContain('250,00\u00a0€ bezahlen:');
    expect(delivery.text?.split('\n')).toContain(link);
    expect(delivery.html).toContain(`href="${link}"`);
    expect(delivery.html).toContain('Brand &lt;b&gt;refresh&lt;/b&gt;');
    expect(delivery.html).not.toContain('<b>refresh');
    // No file's hash in the mail: the one 64-hex string is the record line (the chain's head).
    expect(
      `${delivery.text ?? ''}${delivery.html || ''}`.replace(/Protokoll: [0-9a-f]{64}/, ''),
    ).not.toMatch(/[0-9a-f]{64}/);

    // A payment: the receipt to the client in German, to the freelancer in English.
    expectStatus(
      await offlinePayment(freelancer, d.project.id, d.first.id, 250_00),
      201,
      C.OfflinePaymentResult,
    );
    await app.drainMail();
    const toClient = await simpleParser(mailTo(smtp, d.project.clientEmail)[1]?.raw ?? '');
    expect(toClient.subject).toMatch(/^Quittung R-000001: 250,00\u00a0€ für /);
    expect(firstAddress(toClient.from)?.name).toBe('Fiona Freelancer über Milepost');
    expect(firstAddress(toClient.replyTo)?.address).toBe(freelancerEmail);
    expect(toClient.text?.split('\n')).toContain(link);
    expect(toClient.attachments.map((a) => a.filename)).toEqual(['R-000001.pdf']);
    expect(toClient.html).toContain('lang="de"');

    const toFreelancer = await simpleParser(mailTo(smtp, freelancerEmail)[0]?.raw ?? '');
    expect(toFreelancer.subject).toMatch(/^Receipt R-000001: €250\.00 for /);
    expect(firstAddress(toFreelancer.from)).toEqual({
      name: 'Milepost',
      address: 'mail@milepost.test',
    });
    expect(toFreelancer.replyTo).toBeUndefined();
    expect(toFreelancer.text?.split('\n')).toContain(`${PUBLIC_URL}/app/projects/${d.project.id}`);
    expect(toFreelancer.attachments.map((a) => a.filename)).toEqual(['R-000001.pdf']);
    expect(toFreelancer.html).toContain('lang="en"');
  });

  test('the settings’ test email is HTML and text in the freelancer’s language', async () => {
    if (!app || !smtp) throw new Error('not started');
    const freelancer = await signUp(app);
    expectStatus(await freelancer.put('/api/settings', settings('de')), 200, C.User.partial());
    const res = await freelancer.post('/api/settings/test-email');
    expect(res.status, res.text).toBe(200);
    const raw = mailTo(smtp, freelancer.email ?? '')[0]?.raw ?? '';
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/im);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Milepost-Test-E-Mail');
    expect(parsed.text?.split('\n')).toContain(`${PUBLIC_URL}/app/settings`);
    expect(parsed.html).toContain(`href="${PUBLIC_URL}/app/settings"`);
  });
});
