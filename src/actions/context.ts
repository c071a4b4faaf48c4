import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { DB } from '../db/schema';

/** What every action may use: the database handle and the configuration. */
export interface ActionContext {
  db: Kysely<DB>;
  config: Config;
}
