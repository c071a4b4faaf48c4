/**
 * The transport for outgoing mail. With SMTP_URL set, through that server; without it, each
 * message is written as an .eml file to the outbox folder, so nothing is lost on a machine with
 * no mail server. Mail the app sends goes first through the mail_outbox table (the mail worker
 * calls this); only the settings page's "send a test email" uses it directly.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { Config } from '../config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The HTML alternative of `text` (sent as multipart/alternative). */
  html?: string | undefined;
  /** A display name for the instance's address ("Ann Lee via Milepost"); MAIL_FROM's own if absent. */
  fromName?: string | null | undefined;
  /** Where replies go (the freelancer, for mail sent on their behalf). */
  replyTo?: string | null | undefined;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
  /** RFC 8058 one-click unsubscribe address (List-Unsubscribe, List-Unsubscribe-Post). */
  unsubscribeUrl?: string | undefined;
}

/** Longer than the worst a send may take with the timeouts above (30 + 30 + 60 s, and more). */
export const SEND_LEASE_MS = 10 * 60_000;

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * The From of one message: always the instance's own address (MAIL_FROM), so SPF and DKIM hold;
 * only the display name changes when a message goes out on a freelancer's behalf ("Ann Lee via
 * Milepost", fixed when it was queued).
 */
export function senderOf(
  configured: string,
  fromName: string | null | undefined,
): string | { name: string; address: string } {
  if (fromName === null || fromName === undefined || fromName === '') return configured;
  const [parsed] = addressparser(configured, { flatten: true });
  return parsed?.address ? { name: fromName, address: parsed.address } : configured;
}

function envelopeOf(configured: string, message: MailMessage) {
  const { fromName, replyTo, html, unsubscribeUrl, ...rest } = message;
  return {
    ...rest,
    ...(unsubscribeUrl !== undefined && {
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    }),
    from: senderOf(configured, fromName),
    ...(html !== undefined && { html }),
    ...(replyTo ? { replyTo } : {}),
  };
}

export function createMailer(mail: Config['mail']): Mailer {
  if (mail.smtpUrl) {
    // Bounded waits: the mail worker's lease on a message (SEND_LEASE_MS) must outlast a send.
    const transport = nodemailer.createTransport({
      url: mail.smtpUrl,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    return {
      async send(message) {
        await transport.sendMail(envelopeOf(mail.from, message));
      },
    };
  }
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    async send(message) {
      const info = await transport.sendMail(envelopeOf(mail.from, message));
      await fs.mkdir(mail.outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 24)}.eml`;
      await fs.writeFile(path.join(mail.outboxDir, name), info.message as Buffer);
    },
  };
}
