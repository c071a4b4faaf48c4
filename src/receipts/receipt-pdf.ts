/**
 * Renders a receipt snapshot as a PDF with pdfkit. The DejaVu Sans font ships with the app (npm
 * dejavu-fonts-ttf), so names such as "Łukasz Żółć" print correctly: pdfkit's built-in fonts
 * cover WinAnsi only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { receiptLabel, type ReceiptSnapshot } from '../domain/receipt';
import { translator, type Locale, type MessageId, type Translator } from '../i18n';

const require = createRequire(import.meta.url);
// Read once: every receipt embeds (a subset of) the same two fonts.
const FONT = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const FONT_BOLD = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'));

const METHODS: Readonly<Record<string, MessageId>> = {
  bank_transfer: 'receipt.method.bank_transfer',
  cash: 'receipt.method.cash',
  cheque: 'receipt.method.cheque',
  other: 'receipt.method.other',
  stripe: 'receipt.method.stripe',
};

function methodOf(t: Translator, method: string): string {
  const id = METHODS[method];
  return id === undefined ? method : t.t(id);
}

/**
 * A logo pdfkit can draw (PNG or JPEG; a WebP logo is left out of the PDF). Its bytes may be a
 * plain Uint8Array (a Buffer crossing to the render worker arrives as one).
 */
export interface PdfLogo {
  type: string;
  bytes: Uint8Array;
}

export function printableLogo(logo: PdfLogo | undefined): Buffer | undefined {
  if (!logo || !['image/png', 'image/jpeg'].includes(logo.type)) return undefined;
  const { bytes } = logo;
  // A Buffer over the same bytes (pdfkit's types ask for one).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The receipt in the reader's language (amounts and dates too); the snapshot stays as it was.
 * The freelancer's logo, when given, stands at the top right.
 */
export async function renderReceiptPdf(
  receipt: ReceiptSnapshot,
  locale: Locale = 'en',
  logo?: PdfLogo,
): Promise<Buffer> {
  const t = translator(locale);
  const number = receiptLabel(receipt.number);
  // Loaded on first use: pdfkit costs ~25 MB resident, and most requests print nothing.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: locale,
    info: {
      Title: t.t('receipt.title', { number }),
      Author: receipt.freelancer.businessName || receipt.freelancer.name,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const money = (minor: number) => t.money(minor, receipt.payment.currency);

  const image = printableLogo(logo);
  if (image) {
    try {
      doc.image(image, doc.page.width - 50 - 140, 40, { fit: [140, 56], align: 'right' });
    } catch {
      // An image pdfkit cannot read: the receipt is complete without it.
    }
  }
  doc.font('bold').fontSize(20).text(t.t('receipt.title', { number }));
  doc
    .font('body')
    .fontSize(10)
    .fillColor('#444')
    .text(t.t('receipt.issued', { date: t.date(receipt.issuedAt.slice(0, 10)) }))
    .moveDown();

  doc.fillColor('#000').font('bold').fontSize(11).text(t.t('receipt.from'));
  doc
    .font('body')
    .text(
      [
        receipt.freelancer.businessName,
        receipt.freelancer.name,
        receipt.freelancer.address,
        receipt.freelancer.email,
        receipt.freelancer.taxId ? t.t('invoice.taxId', { taxId: receipt.freelancer.taxId }) : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  doc.moveDown(0.5).font('bold').text(t.t('receipt.to'));
  doc
    .font('body')
    .text(
      [
        receipt.client.company,
        receipt.client.name,
        receipt.client.address,
        receipt.client.email,
        receipt.client.taxId ? t.t('invoice.taxId', { taxId: receipt.client.taxId }) : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  doc.moveDown();

  doc.font('bold').text(t.t('receipt.for'));
  doc.font('body').text(
    [
      receipt.project.title,
      t.t('receipt.milestone', {
        position: receipt.milestone.position,
        title: receipt.milestone.title,
        amount: money(receipt.milestone.amountMinor),
      }),
      receipt.milestone.paymentReference
        ? t.t('receipt.paymentReference', { reference: receipt.milestone.paymentReference })
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  doc.moveDown();

  doc
    .font('bold')
    .fontSize(14)
    .text(t.t('receipt.amountReceived', { amount: money(receipt.payment.amountMinor) }));
  doc
    .font('body')
    .fontSize(11)
    .text(
      [
        t.t('receipt.currency', { currency: receipt.payment.currency }),
        t.t('receipt.method', { method: methodOf(t, receipt.payment.method) }),
        t.t('receipt.dateReceived', { date: t.date(receipt.payment.receivedOn) }),
        receipt.payment.reference
          ? t.t('receipt.reference', { reference: receipt.payment.reference })
          : '',
        t.t('receipt.receivedSoFar', { amount: money(receipt.balance.receivedMinor) }),
        receipt.balance.outstandingMinor > 0
          ? t.t('receipt.outstanding', { amount: money(receipt.balance.outstandingMinor) })
          : t.t('receipt.paidInFull'),
        receipt.balance.overpaidMinor > 0
          ? t.t('receipt.overpaid', { amount: money(receipt.balance.overpaidMinor) })
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  doc.moveDown();

  doc
    .font('bold')
    .text(receipt.files.length > 0 ? t.t('receipt.files') : t.t('receipt.files.none'));
  doc.font('body').fontSize(9);
  for (const file of receipt.files) {
    doc
      .text(t.t('receipt.file', { name: file.name, size: file.size }))
      .fillColor('#333')
      .text(file.sha256)
      .fillColor('#000')
      .moveDown(0.3);
  }
  doc.end();
  return done;
}
