/**
 * A local SMTP server (smtp-server) that keeps every message it accepts: the envelope (MAIL FROM,
 * RCPT TO) and the raw RFC 5322 text. Plain SMTP on 127.0.0.1, no TLS, no authentication.
 * Recipients matching `refuse` are rejected at RCPT TO, to test how the app reports that.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';
import { HOOK_TIMEOUT, startApp, type Dialect, type TestApp } from './harness';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpCapture {
  url: string;
  messages: CapturedMail[];
  /** Recipients for which RCPT TO is refused with 550. */
  refuse: RegExp | undefined;
  close(): Promise<void>;
}

/** Starts the server on `port` (0: any free one), e.g. again on the port of one closed before. */
export async function startSmtp(port = 0): Promise<SmtpCapture> {
  const capture: SmtpCapture = {
    url: '',
    messages: [],
    refuse: undefined,
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (capture.refuse?.test(address.address) === true) {
        const error: Error & { responseCode?: number } = new Error(
          'mailbox unavailable (refused by the test)',
        );
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        capture.messages.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
      stream.on('error', (error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  capture.url = `smtp://127.0.0.1:${address.port}`;
  capture.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return capture;
}

/** Messages sent to `address` (by envelope recipient). */
export function mailTo(capture: SmtpCapture, address: string): CapturedMail[] {
  const wanted = address.toLowerCase();
  return capture.messages.filter((m) => m.to.some((to) => to.toLowerCase() === wanted));
}

/** Polls until `check` holds (mail goes out after the response in some paths). */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Starts a loopback SMTP server and one app sending to it (SMTP_URL set) for the enclosing
 * describe block, like harness `useApp`; the getter fails loudly if either did not start.
 */
export function useAppWithSmtp(
  dialect: Dialect,
  envOverrides: Record<string, string> = {},
): () => { app: TestApp; mail: SmtpCapture } {
  let smtp: SmtpCapture | undefined;
  let running: TestApp | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
    running = await startApp(dialect, { SMTP_URL: smtp.url, ...envOverrides });
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    try {
      await running?.close();
    } finally {
      await smtp?.close();
    }
  }, HOOK_TIMEOUT);
  return () => {
    if (running === undefined || smtp === undefined)
      throw new Error(`the ${dialect} app did not start`);
    return { app: running, mail: smtp };
  };
}
