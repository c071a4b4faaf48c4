/** Each person's choice of notification mail: a row per kind they changed; none means "yes". */
import type { Kysely } from 'kysely';
import type { Audience, Subscription } from '../../domain/notifications';
import type { DB } from '../schema';

export async function isSubscribed(db: Kysely<DB>, subscription: Subscription): Promise<boolean> {
  const row = await db
    .selectFrom('notification_prefs')
    .select('enabled')
    .where('audience', '=', subscription.audience)
    .where('subject_id', '=', subscription.subjectId)
    .where('kind', '=', subscription.kind)
    .executeTakeFirst();
  return row === undefined || row.enabled === 1;
}

/** The kinds a person switched off. */
export async function listDisabledKinds(
  db: Kysely<DB>,
  audience: Audience,
  subjectId: string,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('notification_prefs')
    .select('kind')
    .where('audience', '=', audience)
    .where('subject_id', '=', subjectId)
    .where('enabled', '=', 0)
    .execute();
  return new Set(rows.map((r) => r.kind));
}

export async function setSubscribed(
  db: Kysely<DB>,
  subscription: Subscription,
  enabled: boolean,
  now: string,
): Promise<void> {
  await db
    .insertInto('notification_prefs')
    .values({
      audience: subscription.audience,
      subject_id: subscription.subjectId,
      kind: subscription.kind,
      enabled: enabled ? 1 : 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['audience', 'subject_id', 'kind'])
        .doUpdateSet({ enabled: enabled ? 1 : 0, updated_at: now }),
    )
    .execute();
}
