/**
 * The scheduler: every few seconds (MAIL_POLL_SECONDS) each app instance runs the jobs that are
 * due by its clock — notification mail and payment reminders. A job is claimed with one
 * conditional UPDATE and marked done in the transaction that did its work, so it takes effect
 * once on any number of instances and across restarts; a failed run is retried a minute later.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { claimJob, listDueJobs, releaseJob } from '../db/queries/scheduled-jobs';
import type { DB } from '../db/schema';
import { systemClock, type Clock } from '../domain/clock';
import { JOB_LEASE_MS } from '../domain/notifications';
import type { StreamAnnouncer } from '../events/stream-bus';
import { runScheduledJob } from './run-scheduled-job';
import { startPoller, type Poller } from './poller';

const BATCH = 50;
/** Rounds of one pass at most (a pass ends; the next poll goes on). */
const MAX_ROUNDS = 100;
const RETRY_MS = 60_000;

export interface SchedulerPass {
  ran: number;
  failed: number;
}

/**
 * Runs every job due now once; what this instance did. Jobs that a job schedules due now (the
 * next step of an analytics rebuild) run in the same pass: it looks again after each round that
 * ran something.
 */
export async function runDueJobs(options: {
  db: Kysely<DB>;
  events: StreamAnnouncer;
  clock: Clock;
  onError?: (jobId: string, error: unknown) => void;
}): Promise<SchedulerPass> {
  const result: SchedulerPass = { ran: 0, failed: 0 };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = result.ran;
    await runRound(options, result);
    if (result.ran === before) break;
  }
  return result;
}

async function runRound(
  options: Parameters<typeof runDueJobs>[0],
  result: SchedulerPass,
): Promise<void> {
  const started = options.clock.now().toISOString();
  for (const id of await listDueJobs(options.db, started, BATCH)) {
    const now = options.clock.now();
    const token = newId();
    const job = await claimJob(options.db, {
      id,
      token,
      now: now.toISOString(),
      until: new Date(now.getTime() + JOB_LEASE_MS).toISOString(),
    });
    if (!job) continue; // another instance has it, or it is done
    try {
      const outcome = await runScheduledJob({
        db: options.db,
        events: options.events,
        job,
        token,
        now: now.toISOString(),
      });
      if (outcome !== undefined) result.ran++;
    } catch (error) {
      result.failed++;
      options.onError?.(id, error);
      await releaseJob(options.db, {
        id,
        token,
        error: error instanceof Error ? error.message : String(error),
        retryAt: new Date(options.clock.now().getTime() + RETRY_MS).toISOString(),
      });
    }
  }
}

/** wake: run due jobs now; drain: until a pass finds nothing due (tests move the clock). */
export type Scheduler = Poller;

export function startScheduler(options: {
  db: Kysely<DB>;
  events: StreamAnnouncer;
  pollSeconds: number;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  clock?: Clock;
  /** After a pass that queued mail: the mail worker sends it now. */
  onQueued?: () => void;
}): Scheduler {
  const clock = options.clock ?? systemClock;
  return startPoller({
    name: 'scheduler',
    pass: async () => {
      const result = await runDueJobs({
        db: options.db,
        events: options.events,
        clock,
        onError: (jobId, error) => options.log.warn({ jobId, err: error }, 'scheduled job failed'),
      });
      if (result.ran > 0) options.onQueued?.();
      return result;
    },
    idle: (result) => result.ran + result.failed === 0,
    pollSeconds: options.pollSeconds,
    log: options.log,
  });
}
