import type { Migration } from 'kysely';
import * as initial from './0001-initial';

/** Every migration, in order. Both dialects run the same list. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};
