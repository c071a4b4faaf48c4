/**
 * Every PDF the server prints (receipts, invoices and credit notes, accepted contracts), rendered
 * from plain data (`PdfRequest`). Only the render worker (src/mail/render-worker.ts) loads this
 * module in the server: pdfkit takes 5-50 ms of CPU a document. Tests import it to render in
 * their own thread (`inThreadPdfRenderer`).
 */
import { renderContractPdf } from '../contracts/contract-pdf';
import { renderInvoicePdf } from '../invoices/invoice-pdf';
import type { PdfRenderer, PdfRequest } from '../mail/renderer';
import { renderReceiptPdf } from '../receipts/receipt-pdf';

export function renderPdf(request: PdfRequest): Promise<Buffer> {
  switch (request.kind) {
    case 'receipt':
      return renderReceiptPdf(request.receipt, request.locale, request.logo);
    case 'invoice':
      return renderInvoicePdf(request.invoice, request.locale);
    case 'contract':
      return renderContractPdf(request.contract);
  }
}

/** Renders in the calling thread: for tests, and for comparing with the worker. */
export const inThreadPdfRenderer: PdfRenderer = { pdf: renderPdf };
