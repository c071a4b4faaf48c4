/**
 * One sample of every PDF the renderer prints (the `Record` makes a new kind fail to compile here
 * until it has one), in English and German, a receipt with and without its logo: the render
 * worker is checked against rendering in the test's own thread.
 */
import { deflateSync } from 'node:zlib';
import type { InvoiceSnapshot } from '../../src/domain/invoice';
import type { ReceiptSnapshot } from '../../src/domain/receipt';
import type { Locale } from '../../src/i18n';
import type { PdfRequest } from '../../src/mail/renderer';
import { receiptSnapshot } from './mail-samples';

const receipt: ReceiptSnapshot = {
  ...receiptSnapshot,
  freelancer: {
    ...receiptSnapshot.freelancer,
    name: 'Łukasz Żółć',
    address: 'Hauptstraße 1\n10115 Berlin',
    taxId: 'DE123456789',
  },
  milestone: { ...receiptSnapshot.milestone, paymentReference: 'MP-7' },
};

const party = {
  name: 'Ann Lee',
  businessName: 'Lee Design',
  email: 'ann@example.org',
  address: 'Hauptstraße 1',
  taxId: 'DE123456789',
};
const invoice: InvoiceSnapshot = {
  kind: 'invoice',
  label: 'INV-2026-0007',
  issuedOn: '2026-03-05',
  cancels: null,
  serviceDate: '2026-03-01',
  dueDate: '2026-03-19',
  paymentReference: 'MP-7',
  bankDetails: 'IBAN DE89 3704 0044 0532 0130 00',
  freelancer: party,
  client: { ...party, name: 'Dan Client', company: 'Dan & Co', businessName: 'Dan & Co' },
  project: { id: 'p-1', title: 'Brand refresh' },
  milestone: { position: 2, title: 'Logo drafts' },
  currency: 'EUR',
  amounts: {
    mode: 'standard',
    rateBp: 1900,
    netMinor: 100_000,
    taxMinor: 19_000,
    grossMinor: 119_000,
  },
};
const creditNote: InvoiceSnapshot = {
  ...invoice,
  kind: 'credit_note',
  label: 'CN-2026-0001',
  cancels: { label: invoice.label, issuedOn: invoice.issuedOn },
  amounts: {
    mode: 'reverse_charge',
    rateBp: 0,
    netMinor: -100_000,
    taxMinor: 0,
    grossMinor: -100_000,
  },
};

/** A minimal valid PNG of `pad` extra bytes (a tEXt chunk pads it out). */
export function png(pad = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, 'ascii'), data, Buffer.alloc(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(pad > 0 ? [chunk('tEXt', Buffer.alloc(pad, 0x61))] : []),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const byKind: {
  [K in PdfRequest['kind']]: (locale: Locale) => Extract<PdfRequest, { kind: K }>[];
} = {
  receipt: (locale) => [
    { kind: 'receipt', receipt, locale },
    { kind: 'receipt', receipt, locale, logo: { type: 'image/png', bytes: png() } },
  ],
  invoice: (locale) => [
    { kind: 'invoice', invoice, locale },
    { kind: 'invoice', invoice: creditNote, locale },
  ],
  contract: (locale) => [
    {
      kind: 'contract',
      contract: {
        locale,
        projectTitle: 'Brand refresh',
        version: 3,
        text: 'The freelancer delivers a logo.\n\nΗ πληρωμή — оплата — within 14 days.\n',
        sha256: 'c'.repeat(64),
        acceptance: {
          fullName: 'Dan Client',
          acceptedAt: '2026-03-01T09:30:00.000Z',
          ip: '203.0.113.7',
          userAgent: 'Mozilla/5.0',
          sha256: 'd'.repeat(64),
        },
      },
    },
  ],
};

export function pdfSamples(): { label: string; request: PdfRequest }[] {
  return (['en', 'de'] as const).flatMap((locale) =>
    Object.values(byKind).flatMap((of) =>
      of(locale).map((request, i) => ({ label: `${request.kind} ${i} (${locale})`, request })),
    ),
  );
}

/**
 * The PDF with the two things pdfkit takes from the clock blanked, as the code has always let it:
 * the creation date (`(D:YYYYMMDDHHmmssZ)`) and the file ID derived from it (`/ID [<md5> <md5>]`).
 * Same lengths, so every offset stays.
 */
export function withoutClock(pdf: Uint8Array): string {
  return Buffer.from(pdf)
    .toString('latin1')
    .replace(/\(D:\d{14}Z\)/g, '(D:00000000000000Z)')
    .replace(
      /\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/,
      `/ID [<${'0'.repeat(32)}> <${'0'.repeat(32)}>]`,
    );
}
