/**
 * The mail worker: runs a pass over the outbox every MAIL_POLL_SECONDS, and at once when woken
 * (after a request that queued mail has committed). Passes never overlap within one process;
 * across processes the per-message lease keeps two instances from sending the same message.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import { systemClock, type Clock } from '../domain/clock';
import type { Subscription } from '../domain/notifications';
import type { Mailer } from '../mail/mailer';
import { sendQueuedMail } from './send-queued-mail';

export interface MailWorker {
  /** Look for due mail now (coalesced with a pass already running). */
  wake(): void;
  /**
   * Runs passes until none sends or fails anything — everything due now has been tried once
   * more. For tests (which move the clock to reach a retry without waiting) and the CLI.
   */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function startMailWorker(options: {
  db: Kysely<DB>;
  mailer: Mailer;
  config: Config;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  clock?: Clock;
  /** Signs notification mail's unsubscribe links (absent: none). */
  unsubscribeToken?: (subscription: Subscription) => string;
  /** false: no timer (the CLI drains once). */
  poll?: boolean;
}): MailWorker {
  const { log } = options;
  const policy = options.config.mail.retry;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const clock = options.clock ?? systemClock;
  const pass = () =>
    sendQueuedMail({
      db: options.db,
      mailer: options.mailer,
      policy,
      publicUrl: options.config.publicUrl,
      ...(options.unsubscribeToken && { unsubscribeToken: options.unsubscribeToken }),
      now: () => clock.now(),
      onFailure: (row, error) =>
        log.warn({ mailId: row.id, attempts: row.attempts, error }, 'mail could not be sent'),
    });

  const loop = async () => {
    do {
      again = false;
      await pass();
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop()
      .catch((error: unknown) => log.error({ err: error }, 'mail worker pass failed'))
      .finally(() => {
        running = null;
      });
  };

  const timer =
    options.poll === false ? undefined : setInterval(wake, options.config.mail.pollSeconds * 1000);
  timer?.unref();
  wake();

  return {
    wake,
    async drain() {
      while (running) await running;
      for (;;) {
        const result = await pass();
        if (result.sent + result.failed === 0) return;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      while (running) await running;
    },
  };
}
