import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import { systemClock, type Clock } from '../domain/clock';

/** What every action may use: the database handle, the configuration and the clock. */
export interface ActionContext {
  db: Kysely<DB>;
  config: Config;
  /** The time source; the system clock when absent. */
  clock?: Clock;
}

/** "Now" for an action: its context's clock, else the system's. */
export function nowOf(context: { clock?: Clock | undefined }): Date {
  return (context.clock ?? systemClock).now();
}
