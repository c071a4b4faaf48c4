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
import type { Renderer } from '../mail/renderer';
import { startPoller, type Poller } from './poller';
import { sendQueuedMail } from './send-queued-mail';

/** wake: look for due mail now; drain: until a pass neither sends nor fails anything. */
export type MailWorker = Poller;

export function startMailWorker(options: {
  db: Kysely<DB>;
  mailer: Mailer;
  renderer: Renderer;
  config: Config;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  clock?: Clock;
  /** Signs notification mail's unsubscribe links (absent: none). */
  unsubscribeToken?: (subscription: Subscription) => string;
  /** false: no timer (the CLI drains once). */
  poll?: boolean;
}): MailWorker {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  return startPoller({
    name: 'mail worker',
    pass: () =>
      sendQueuedMail({
        db: options.db,
        mailer: options.mailer,
        renderer: options.renderer,
        policy: options.config.mail.retry,
        publicUrl: options.config.publicUrl,
        ...(options.unsubscribeToken && { unsubscribeToken: options.unsubscribeToken }),
        now: () => clock.now(),
        onFailure: (row, error) =>
          log.warn({ mailId: row.id, attempts: row.attempts, error }, 'mail could not be sent'),
      }),
    idle: (result) => result.sent + result.failed === 0,
    pollSeconds: options.poll === false ? false : options.config.mail.pollSeconds,
    log,
    immediately: true,
  });
}
