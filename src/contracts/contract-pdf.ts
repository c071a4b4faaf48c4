/**
 * An accepted contract version as a PDF (pdfkit, like receipts): the exact text the client
 * accepted, then the acceptance block — typed name, time, IP, user agent and the SHA-256 of the
 * text. DejaVu Sans is embedded, so names and terms in any Latin, Greek or Cyrillic script print.
 * Rendered outside any database transaction.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { translator, type Locale } from '../i18n';

const require = createRequire(import.meta.url);
const FONT = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const FONT_BOLD = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'));

export interface ContractPdfInput {
  locale: Locale;
  projectTitle: string;
  version: number;
  text: string;
  sha256: string;
  acceptance: {
    fullName: string;
    acceptedAt: string;
    ip: string;
    userAgent: string;
    sha256: string;
  };
}

export async function renderContractPdf(input: ContractPdfInput): Promise<Buffer> {
  const t = translator(input.locale);
  const title = t.t('contract.pdf.title', { version: input.version, project: input.projectTitle });
  // Loaded on first use, as for receipts: most requests print nothing.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: input.locale,
    info: { Title: title },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);

  doc.font('bold').fontSize(16).text(title);
  doc.moveDown(0.8);
  doc.font('body').fontSize(10).text(input.text.trimEnd(), { lineGap: 1 });
  doc.moveDown(1.5);

  const { acceptance } = input;
  doc.font('bold').fontSize(12).text(t.t('contract.pdf.acceptance'));
  doc.moveDown(0.4);
  const rows: [string, string][] = [
    [t.t('contract.pdf.acceptedBy'), acceptance.fullName],
    [t.t('contract.pdf.acceptedAt'), `${acceptance.acceptedAt} (UTC)`],
    [t.t('contract.pdf.ip'), acceptance.ip],
    [t.t('contract.pdf.userAgent'), acceptance.userAgent || '—'],
    [t.t('contract.pdf.sha256'), acceptance.sha256],
  ];
  for (const [label, value] of rows) {
    doc.font('bold').fontSize(9).text(label, { continued: false });
    doc.font('body').fontSize(9).text(value);
    doc.moveDown(0.3);
  }
  doc.moveDown(0.5);
  doc.font('body').fontSize(8).fillColor('#555555').text(t.t('contract.pdf.hashNote'));
  doc.end();
  return done;
}
