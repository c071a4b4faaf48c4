/**
 * Renders a receipt snapshot as a PDF with pdfkit. The DejaVu Sans font ships with the app (npm
 * dejavu-fonts-ttf), so names such as "Łukasz Żółć" print correctly: pdfkit's built-in fonts
 * cover WinAnsi only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatMoney } from '../domain/money';
import { PAYMENT_METHOD_LABELS, receiptLabel, type ReceiptSnapshot } from '../domain/receipt';

const require = createRequire(import.meta.url);
// Read once: every receipt embeds (a subset of) the same two fonts.
const FONT = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const FONT_BOLD = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'));

export async function renderReceiptPdf(receipt: ReceiptSnapshot): Promise<Buffer> {
  // Loaded on first use: pdfkit costs ~25 MB resident, and most requests print nothing.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `Receipt ${receiptLabel(receipt.number)}`,
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
  const money = (minor: number) => formatMoney(minor, receipt.payment.currency);

  doc
    .font('bold')
    .fontSize(20)
    .text(`Receipt ${receiptLabel(receipt.number)}`);
  doc
    .font('body')
    .fontSize(10)
    .fillColor('#444')
    .text(`Issued ${receipt.issuedAt.slice(0, 10)}`)
    .moveDown();

  doc.fillColor('#000').font('bold').fontSize(11).text('From');
  doc
    .font('body')
    .text(
      [receipt.freelancer.businessName, receipt.freelancer.name, receipt.freelancer.email]
        .filter(Boolean)
        .join('\n'),
    );
  doc.moveDown(0.5).font('bold').text('To');
  doc
    .font('body')
    .text(
      [receipt.client.company, receipt.client.name, receipt.client.email]
        .filter(Boolean)
        .join('\n'),
    );
  doc.moveDown();

  doc.font('bold').text('For');
  doc
    .font('body')
    .text(
      [
        receipt.project.title,
        `Milestone ${receipt.milestone.position}: ${receipt.milestone.title} (${money(receipt.milestone.amountMinor)})`,
        receipt.milestone.paymentReference
          ? `Payment reference: ${receipt.milestone.paymentReference}`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  doc.moveDown();

  doc
    .font('bold')
    .fontSize(14)
    .text(`Amount received: ${money(receipt.payment.amountMinor)}`);
  doc
    .font('body')
    .fontSize(11)
    .text(
      [
        `Currency: ${receipt.payment.currency}`,
        `Method: ${PAYMENT_METHOD_LABELS[receipt.payment.method] ?? receipt.payment.method}`,
        `Date received: ${receipt.payment.receivedOn}`,
        receipt.payment.reference ? `Reference: ${receipt.payment.reference}` : '',
        `Received for this milestone so far: ${money(receipt.balance.receivedMinor)}`,
        receipt.balance.outstandingMinor > 0
          ? `Still outstanding: ${money(receipt.balance.outstandingMinor)}`
          : 'Milestone paid in full',
        receipt.balance.overpaidMinor > 0
          ? `Overpaid: ${money(receipt.balance.overpaidMinor)}`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  doc.moveDown();

  doc
    .font('bold')
    .text(receipt.files.length > 0 ? 'Files delivered (SHA-256)' : 'Files delivered: none');
  doc.font('body').fontSize(9);
  for (const file of receipt.files) {
    doc
      .text(`${file.name} — ${file.size} bytes`)
      .fillColor('#333')
      .text(file.sha256)
      .fillColor('#000')
      .moveDown(0.3);
  }
  doc.end();
  return done;
}
