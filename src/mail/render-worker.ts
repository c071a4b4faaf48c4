/**
 * The mail render worker (a piscina task file): renders one mail per task (the default task), and
 * sends one per `send` task, in a thread of its own (renderer.ts starts it). Bundled as `mail-render-worker.js` beside the server's bundle.
 */
import { threadId } from 'node:worker_threads';
import { createMailer, type Mailer } from './mailer';
import { renderMail } from './render';
import type { RenderedOnThread, RenderRequest, SendRequest } from './renderer';

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
