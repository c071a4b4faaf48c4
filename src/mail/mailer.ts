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
  /**
   * The From display name, e.g. "Ann Lee via Milepost" for mail sent on a freelancer's behalf;
   * the address stays MAIL_FROM's (which the operator's mail server may send as).
   */
  fromName?: string;
  /** Where replies go (the freelancer, for mail sent on their behalf). */
  replyTo?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Longer than the worst a send may take with the timeouts above (30 + 30 + 60 s, and more). */
export const SEND_LEASE_MS = 10 * 60_000;

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** The From header of a message: MAIL_FROM, or another display name at MAIL_FROM's address. */
export function senderOf(
  mailFrom: string,
  fromName: string | undefined,
): string | { name: string; address: string } {
  if (fromName === undefined) return mailFrom;
  const [parsed] = addressparser(mailFrom, { flatten: true });
  if (!parsed?.address) return mailFrom;
  return { name: fromName, address: parsed.address };
}

/** "Ann Lee via Milepost": the sender name of mail a freelancer's client gets. */
export function onBehalfOf(name: string): string {
  return `${name} via Milepost`;
}

function envelopeOf(mail: Config['mail'], message: MailMessage) {
  const { fromName, ...rest } = message;
  return { ...rest, from: senderOf(mail.from, fromName) };
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
        await transport.sendMail(envelopeOf(mail, message));
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
      const info = await transport.sendMail(envelopeOf(mail, message));
      await fs.mkdir(mail.outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 24)}.eml`;
      await fs.writeFile(path.join(mail.outboxDir, name), info.message as Buffer);
    },
  };
}
