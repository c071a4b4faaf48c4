/**
 * Invoices and credit notes over HTTP: an invoice at delivery with the project's VAT, read back
 * from the PDF in each reader's language; gapless numbers under parallel deliveries; credit notes
 * when an invoiced milestone changes, is removed or the freelancer cancels; 404 for another
 * freelancer and another project's client.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  SUITE_TIMEOUT,
  createClient,
  createProject,
  deliver,
  dialects,
  expectStatus,
  milestonesByAmount,
  openPortal,
  share,
  signUp,
  useApp,
  type Actor,
} from './harness';
import { actions, fetchPdf, mapLimit, offlinePayment, pdfText } from './payments-helpers';

const Invoice = z.object({
  id: z.string(),
  kind: z.enum(['invoice', 'credit_note']),
  label: z.string(),
  milestoneId: z.string(),
  issuedOn: z.string(),
  dueDate: z.string().nullable(),
  currency: z.string(),
  netMinor: z.number(),
  taxMinor: z.number(),
  grossMinor: z.number(),
  vat: z.object({ mode: z.string(), rateBp: z.number() }),
  cancelsId: z.string().nullable(),
  cancelledById: z.string().nullable(),
});
const InvoiceList = z.object({ invoices: z.array(Invoice) });

async function invoicesOf(actor: Actor, projectId: string) {
  return expectStatus(await actor.get(`/api/projects/${projectId}/invoices`), 200, InvoiceList)
    .invoices;
}

async function project(freelancer: Actor, amounts: number[], client?: { locale?: string }) {
  const c = await createClient(freelancer, { company: 'Żółć GmbH' });
  expectStatus(
    await freelancer.patch(`/api/clients/${c.id}`, {
      taxId: 'DE987654321',
      postalAddress: 'Hauptstraße 1\n10115 Berlin',
      ...(client?.locale !== undefined && { locale: client.locale }),
    }),
    200,
    z.unknown(),
  );
  const created = await createProject(freelancer, {
    clientId: c.id,
    title: 'Brand book',
    milestones: milestonesByAmount(amounts),
  });
  return { project: created.project, milestones: created.milestones };
}

describe.each(dialects)('invoices on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('delivery issues an invoice with the VAT split from the gross; PDF in each language', async () => {
    const freelancer = await signUp(app(), undefined, 'Łukasz Żółć');
    expectStatus(
      await freelancer.put('/api/settings/tax', {
        taxId: 'DE123456789',
        postalAddress: 'Am Markt 2\n04109 Leipzig',
      }),
      200,
      z.object({ taxId: z.literal('DE123456789'), postalAddress: z.string() }),
    );
    const { project: p, milestones } = await project(freelancer, [1_190_00, 500_00], {
      locale: 'de',
    });
    const [m1] = milestones;
    if (!m1) throw new Error('milestone expected');
    expectStatus(
      await freelancer.put(`/api/projects/${p.id}/vat`, { mode: 'standard', rateBp: 1900 }),
      200,
      z.object({ mode: z.literal('standard'), rateBp: z.literal(1900) }),
    );
    expect(
      (await freelancer.put(`/api/projects/${p.id}/vat`, { mode: 'x', rateBp: 1 })).status,
    ).toBe(400);
    expect(
      (await freelancer.put(`/api/projects/${p.id}/vat`, { mode: 'standard', rateBp: 10_001 }))
        .status,
    ).toBe(400);

    await deliver(freelancer, p.id, m1.id);
    const [invoice] = await invoicesOf(freelancer, p.id);
    const year = new Date().getUTCFullYear();
    expect(invoice).toMatchObject({
      kind: 'invoice',
      label: `INV-${year}-0001`,
      milestoneId: m1.id,
      netMinor: 1_000_00,
      taxMinor: 190_00,
      grossMinor: 1_190_00,
      vat: { mode: 'standard', rateBp: 1900 },
      cancelledById: null,
    });
    if (!invoice) throw new Error('invoice expected');
    // Due: the delivery (today) plus the default 14 days' terms.
    const due = new Date(`${invoice.issuedOn}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + 14);
    expect(invoice.dueDate).toBe(due.toISOString().slice(0, 10));
    expect((await actions(freelancer, p.id)).map((e) => e.action)).toContain('invoice.issued');

    const en = await fetchPdf(freelancer, `/api/invoices/${invoice.id}/pdf`);
    expect(en.status).toBe(200);
    expect(en.type).toBe('application/pdf');
    expect(en.disposition).toContain(`INV-${year}-0001.pdf`);
    const enText = await pdfText(en.bytes);
    for (const expected of [
      `Invoice INV-${year}-0001`,
      'Łukasz Żółć',
      'Tax ID: DE123456789',
      'Am Markt 2',
      'Żółć GmbH',
      'Tax ID: DE987654321',
      'Hauptstraße 1',
      'Milestone 1: Step 1',
      'Net amount',
      '€1,000.00',
      'VAT 19%',
      '€190.00',
      '€1,190.00',
      'Date of service',
      'Payment due by',
    ]) {
      expect(enText, expected).toContain(expected);
    }

    expect(enText).toMatch(/Payment reference: MP-[0-9A-Z]+/);
    // The client reads it in their language (German), through the portal.
    const client = await openPortal(app(), { code: (await share(freelancer, p.id)).code });
    const list = expectStatus(await client.get('/api/portal/invoices'), 200, InvoiceList);
    expect(list.invoices.map((i) => i.id)).toEqual([invoice.id]);
    const de = await fetchPdf(client, `/api/portal/invoices/${invoice.id}/pdf`);
    expect(de.status).toBe(200);
    const deText = await pdfText(de.bytes);
    for (const expected of [
      `Rechnung INV-${year}-0001`,
      'Leistungsdatum',
      'Zahlbar bis',
      'Nettobetrag',
      '1.000,00 €',
      'USt. 19 %',
      '190,00 €',
      '1.190,00 €',
    ]) {
      expect(deText, expected).toContain(expected);
    }

    // The receipt for the payment states the same parties, addresses and tax ids.
    expectStatus(await offlinePayment(freelancer, p.id, m1.id, 1_190_00), 201, z.unknown());
    const receipts = expectStatus(
      await freelancer.get(`/api/projects/${p.id}/receipts`),
      200,
      z.object({ receipts: z.array(z.object({ id: z.string() })) }),
    ).receipts;
    expect(receipts).toHaveLength(1);
    const receipt = await fetchPdf(freelancer, `/api/receipts/${receipts[0]?.id ?? ''}/pdf`);
    expect(receipt.status).toBe(200);
    const receiptText = await pdfText(receipt.bytes);
    for (const expected of [
      'Receipt R-000001',
      'Łukasz Żółć',
      'Am Markt 2',
      'Tax ID: DE123456789',
      'Hauptstraße 1',
      'Tax ID: DE987654321',
    ]) {
      expect(receiptText, expected).toContain(expected);
    }
  });

  test('reverse charge and small business print their note and no VAT', async () => {
    const freelancer = await signUp(app());
    for (const [mode, note] of [
      ['reverse_charge', 'Reverse charge'],
      ['small_business', '§ 19 UStG'],
    ] as const) {
      const { project: p, milestones } = await project(freelancer, [300_00]);
      expectStatus(
        await freelancer.put(`/api/projects/${p.id}/vat`, { mode, rateBp: 1900 }),
        200,
        z.unknown(),
      );
      await deliver(freelancer, p.id, milestones[0]?.id ?? '');
      const [invoice] = await invoicesOf(freelancer, p.id);
      expect(invoice).toMatchObject({ netMinor: 300_00, taxMinor: 0, grossMinor: 300_00 });
      const text = await pdfText(
        (await fetchPdf(freelancer, `/api/invoices/${invoice?.id ?? ''}/pdf`)).bytes,
      );
      expect(text).toContain(note);
      expect(text).not.toContain('VAT 19');
    }
  });

  test('parallel deliveries take gapless numbers, one per invoice', async () => {
    const freelancer = await signUp(app());
    const projects = await mapLimit([...Array(8).keys()], 4, () => project(freelancer, [100_00]));
    await Promise.all(
      projects.map((p) => deliver(freelancer, p.project.id, p.milestones[0]?.id ?? '')),
    );
    const labels = (
      await Promise.all(projects.map((p) => invoicesOf(freelancer, p.project.id)))
    ).flatMap((list) => list.map((i) => i.label));
    const year = new Date().getUTCFullYear();
    expect(labels.sort()).toEqual(
      [...Array(8).keys()].map((i) => `INV-${year}-${String(i + 1).padStart(4, '0')}`),
    );
  });

  test('credit notes cancel an invoice on change, removal, VAT change and by hand; never edited', async () => {
    const freelancer = await signUp(app());
    const { project: p, milestones } = await project(freelancer, [100_00, 200_00, 300_00]);
    const [m1, m2, m3] = milestones;
    if (!m1 || !m2 || !m3) throw new Error('three milestones expected');
    const year = new Date().getUTCFullYear();
    // Billed ahead of delivery: the open milestone, then its amount changes.
    const ahead = expectStatus(
      await freelancer.post(`/api/projects/${p.id}/milestones/${m1.id}/invoice`),
      201,
      z.object({ invoice: Invoice }),
    ).invoice;
    expect(ahead.label).toBe(`INV-${year}-0001`);
    expect(
      (await freelancer.post(`/api/projects/${p.id}/milestones/${m1.id}/invoice`)).status,
    ).toBe(409);
    // A locked milestone is not invoiced.
    expect(
      (await freelancer.post(`/api/projects/${p.id}/milestones/${m3.id}/invoice`)).status,
    ).toBe(409);
    expectStatus(
      await freelancer.patch(`/api/projects/${p.id}/milestones/${m1.id}`, { amountMinor: 150_00 }),
      200,
      z.unknown(),
    );
    let list = await invoicesOf(freelancer, p.id);
    const cn1 = list.find((i) => i.kind === 'credit_note');
    expect(cn1).toMatchObject({
      label: `CN-${year}-0001`,
      cancelsId: ahead.id,
      grossMinor: -100_00,
    });
    expect(list.find((i) => i.id === ahead.id)).toMatchObject({
      cancelledById: cn1?.id,
      grossMinor: 100_00,
    });
    const reissued = list.find((i) => i.kind === 'invoice' && i.cancelledById === null);
    expect(reissued).toMatchObject({ label: `INV-${year}-0002`, grossMinor: 150_00 });
    // Delivering keeps the standing invoice.
    await deliver(freelancer, p.id, m1.id);
    expect((await invoicesOf(freelancer, p.id)).length).toBe(3);

    // The VAT changes: the unpaid invoice is cancelled and issued anew.
    expectStatus(
      await freelancer.put(`/api/projects/${p.id}/vat`, { mode: 'standard', rateBp: 700 }),
      200,
      z.unknown(),
    );
    list = await invoicesOf(freelancer, p.id);
    const live = list.filter((i) => i.kind === 'invoice' && i.cancelledById === null);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ label: `INV-${year}-0003`, vat: { rateBp: 700 } });

    // By hand, without a new invoice; a second cancellation is refused.
    const cancelled = expectStatus(
      await freelancer.post(`/api/invoices/${live[0]?.id ?? ''}/cancel`, { reissue: false }),
      200,
      z.object({ creditNote: Invoice, invoice: Invoice.nullable() }),
    );
    expect(cancelled.creditNote.label).toBe(`CN-${year}-0003`);
    expect(cancelled.invoice).toBeNull();
    expect(
      (await freelancer.post(`/api/invoices/${live[0]?.id ?? ''}/cancel`, { reissue: true }))
        .status,
    ).toBe(409);
    const cnText = await pdfText(
      (await fetchPdf(freelancer, `/api/invoices/${cancelled.creditNote.id}/pdf`)).bytes,
    );
    expect(cnText).toContain(`Credit note CN-${year}-0003`);
    expect(cnText).toContain(`Cancels invoice INV-${year}-0003`);
    expect(cnText).toContain('-€150.00');
    // Issued again on demand for the delivered milestone.
    expectStatus(
      await freelancer.post(`/api/projects/${p.id}/milestones/${m1.id}/invoice`),
      201,
      z.unknown(),
    );

    // Removing an invoiced milestone cancels its invoice, with no new one.
    const second = await project(freelancer, [50_00, 60_00]);
    const gone = second.milestones[0]?.id ?? '';
    const billed = expectStatus(
      await freelancer.post(`/api/projects/${second.project.id}/milestones/${gone}/invoice`),
      201,
      z.object({ invoice: Invoice }),
    ).invoice;
    expect(
      (await freelancer.delete(`/api/projects/${second.project.id}/milestones/${gone}`)).status,
    ).toBe(204);
    const afterRemoval = await invoicesOf(freelancer, second.project.id);
    expect(afterRemoval.map((i) => [i.kind, i.grossMinor])).toEqual([
      ['credit_note', -50_00],
      ['invoice', 50_00],
    ]);
    expect(afterRemoval.find((i) => i.id === billed.id)?.cancelledById).not.toBeNull();
  });

  test('another freelancer and another project’s client get 404', async () => {
    const owner = await signUp(app());
    const { project: p, milestones } = await project(owner, [100_00]);
    await deliver(owner, p.id, milestones[0]?.id ?? '');
    const [invoice] = await invoicesOf(owner, p.id);
    const id = invoice?.id ?? '';
    const stranger = await signUp(app());
    expect((await fetchPdf(stranger, `/api/invoices/${id}/pdf`)).status).toBe(404);
    expect((await stranger.post(`/api/invoices/${id}/cancel`, {})).status).toBe(404);
    expect((await stranger.get(`/api/projects/${p.id}/invoices`)).status).toBe(404);
    const other = await project(owner, [100_00]);
    const otherClient = await openPortal(app(), {
      code: (await share(owner, other.project.id)).code,
    });
    expect((await fetchPdf(otherClient, `/api/portal/invoices/${id}/pdf`)).status).toBe(404);
    expect(
      expectStatus(await otherClient.get('/api/portal/invoices'), 200, InvoiceList).invoices,
    ).toEqual([]);
  });
});
