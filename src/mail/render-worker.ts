/**
 * The render worker (a piscina task file), in a thread of its own (renderer.ts starts it): per
 * task it renders one mail (the default task), sends one (`send`) or renders one PDF (`pdf`).
 * Bundled as `mail-render-worker.js` beside the server's bundle. The PDF modules (pdfkit, ~25 MB
 * resident) load at the first PDF: a server that prints nothing never pays for them.
 */
import { threadId } from 'node:worker_threads';
import { createMailer, type Mailer } from './mailer';
import { renderMail } from './render';
import type {
  PdfOnThread,
  PdfRequest,
  RenderedOnThread,
  RenderRequest,
  SendRequest,
} from './renderer';

export default async function renderOnThread(request: RenderRequest): Promise<RenderedOnThread> {
  return { ...(await renderMail(request)), threadId };
}

/** One transport per mail configuration, kept for the thread's life (SMTP connections). */
const mailers = new Map<string, Mailer>();

/**
 * Sends one message (the piscina task `send`): nodemailer builds the MIME message — several
 * milliseconds of CPU a mail — and writes it to the SMTP server or the outbox folder here.
 * Attachments arrive as Uint8Array (structured clone) and go out as Buffers.
 */
export async function send({ mail, message }: SendRequest): Promise<{ threadId: number }> {
  const key = JSON.stringify(mail);
  let mailer = mailers.get(key);
  if (!mailer) {
    mailer = createMailer(mail);
    mailers.set(key, mailer);
  }
  await mailer.send({
    ...message,
    ...(message.attachments && {
      attachments: message.attachments.map((a) => ({
        ...a,
        content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
      })),
    }),
  });
  return { threadId };
}

/** Renders one PDF (the piscina task `pdf`). */
export async function pdf(request: PdfRequest): Promise<PdfOnThread> {
  const { renderPdf } = await import('../pdf/render-pdf');
  return { pdf: await renderPdf(request), threadId };
}
