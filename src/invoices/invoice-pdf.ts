/**
 * Renders an invoice or credit note snapshot as a PDF in the reader's language, with pdfkit and
 * the DejaVu Sans font shipped with the app (names such as "Łukasz Żółć" print correctly).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { InvoiceSnapshot, PartyOnInvoice } from '../domain/invoice';
import { translator, type Locale } from '../i18n';

const require = createRequire(import.meta.url);
const FONT = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const FONT_BOLD = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'));

export async function renderInvoicePdf(snapshot: InvoiceSnapshot, locale: Locale): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const tr = translator(locale);
  const title =
    snapshot.kind === 'invoice'
      ? tr.t('invoice.title.invoice', { label: snapshot.label })
      : tr.t('invoice.title.creditNote', { label: snapshot.label });
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: title, Author: snapshot.freelancer.businessName || snapshot.freelancer.name },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const money = (minor: number) => tr.money(minor, snapshot.currency);
  const party = (p: PartyOnInvoice) =>
    [
      p.businessName,
      p.name,
      p.address,
      p.email,
      p.taxId ? tr.t('invoice.taxId', { taxId: p.taxId }) : '',
    ]
      .filter(Boolean)
      .join('\n');

  doc.font('bold').fontSize(20).text(title);
  doc
    .font('body')
    .fontSize(10)
    .fillColor('#444')
    .text(
      [
        tr.t('invoice.issuedOn', { date: tr.date(snapshot.issuedOn) }),
        tr.t('invoice.serviceDate', { date: tr.date(snapshot.serviceDate) }),
        snapshot.dueDate ? tr.t('invoice.dueDate', { date: tr.date(snapshot.dueDate) }) : '',
        snapshot.cancels
          ? tr.t('invoice.cancels', {
              label: snapshot.cancels.label,
              date: tr.date(snapshot.cancels.issuedOn),
            })
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .moveDown();

  doc.fillColor('#000').font('bold').fontSize(11).text(tr.t('invoice.from'));
  doc.font('body').text(party(snapshot.freelancer));
  doc.moveDown(0.5).font('bold').text(tr.t('invoice.to'));
  doc.font('body').text(party(snapshot.client));
  doc.moveDown();

  doc.text(tr.t('invoice.project', { project: snapshot.project.title }));
  doc.font('bold').text(
    tr.t('invoice.item', {
      position: snapshot.milestone.position,
      milestone: snapshot.milestone.title,
    }),
  );
  doc.moveDown(0.5);

  const { amounts } = snapshot;
  const rate = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 2,
  }).format(amounts.rateBp / 10_000);
  const rows: [string, string][] = [
    [tr.t('invoice.net'), money(amounts.netMinor)],
    ...(amounts.mode === 'standard'
      ? [[tr.t('invoice.tax', { rate }), money(amounts.taxMinor)] as [string, string]]
      : []),
    [tr.t('invoice.gross'), money(amounts.grossMinor)],
  ];
  for (const [i, [label, value]] of rows.entries()) {
    const last = i === rows.length - 1;
    const y = doc.y;
    doc.font(last ? 'bold' : 'body').fontSize(last ? 13 : 11);
    doc.text(label, 50, y, { width: 300 });
    doc.text(value, 350, y, { width: 195, align: 'right' });
  }
  doc.x = 50;
  doc.moveDown();
  doc.font('body').fontSize(10);
  if (amounts.mode === 'reverse_charge') doc.text(tr.t('invoice.note.reverseCharge')).moveDown();
  if (amounts.mode === 'small_business') doc.text(tr.t('invoice.note.smallBusiness')).moveDown();

  if (snapshot.kind === 'credit_note') {
    doc.text(tr.t('invoice.creditNote.nothingOwed'));
  } else {
    doc.font('bold').fontSize(11).text(tr.t('invoice.payment'));
    doc
      .font('body')
      .fontSize(10)
      .text(
        [
          snapshot.paymentReference
            ? tr.t('invoice.reference', { reference: snapshot.paymentReference })
            : tr.t('invoice.quote', { label: snapshot.label }),
          snapshot.bankDetails,
        ]
          .filter(Boolean)
          .join('\n'),
      );
  }
  doc.end();
  return done;
}
