import type { Kysely } from 'kysely';
import type { Config } from '../../config';
import type { DB } from '../../db/schema';

/** What every route plugin is registered with. */
export interface RouteDeps {
  db: Kysely<DB>;
  config: Config;
}
