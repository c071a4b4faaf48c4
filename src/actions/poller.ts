/**
 * One background loop for work found in the database (due mail, due scheduled jobs): a pass every
 * `pollSeconds`, and at once when woken. Passes never overlap within one process; a wake during a
 * pass runs one more pass after it (what woke us may have committed after the pass looked).
 * Across processes the callers' own row leases keep two instances from doing the same work.
 */
import type { FastifyBaseLogger } from 'fastify';

export interface Poller {
  /** Look for work now (coalesced with a pass already running). */
  wake(): void;
  /**
   * Runs passes until one finds nothing to do — everything due now has been tried once more.
   * For tests (which move the clock instead of waiting) and the CLI.
   */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function startPoller<Result>(options: {
  /** What the loop is, for its log line ("mail worker", "scheduler"). */
  name: string;
  pass: () => Promise<Result>;
  /** Whether a pass's result means it found nothing to do (drain stops there). */
  idle: (result: Result) => boolean;
  /** Seconds between passes; false: no timer (woken or drained only). */
  pollSeconds: number | false;
  log: Pick<FastifyBaseLogger, 'error'>;
  /** Run a first pass at once. */
  immediately?: boolean;
}): Poller {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const loop = async () => {
    do {
      again = false;
      await options.pass();
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop()
      .catch((error: unknown) => options.log.error({ err: error }, `${options.name} pass failed`))
      .finally(() => {
        running = null;
      });
  };

  const timer =
    options.pollSeconds === false ? undefined : setInterval(wake, options.pollSeconds * 1000);
  timer?.unref();
  if (options.immediately === true) wake();

  return {
    wake,
    async drain() {
      while (running) await running;
      for (;;) if (options.idle(await options.pass())) return;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      while (running) await running;
    },
  };
}
