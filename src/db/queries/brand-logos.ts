import type { Kysely } from 'kysely';
import type { BrandLogoRow, DB } from '../schema';

export type LogoMeta = Omit<BrandLogoRow, 'data_base64'>;

export function findLogoMeta(db: Kysely<DB>, ownerId: string): Promise<LogoMeta | undefined> {
  return db
    .selectFrom('brand_logos')
    .select(['owner_id', 'content_type', 'size', 'sha256', 'updated_at'])
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
}

export function findLogo(db: Kysely<DB>, ownerId: string): Promise<BrandLogoRow | undefined> {
  return db
    .selectFrom('brand_logos')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
}

/** Sets (or replaces) the owner's logo. */
export async function saveLogo(db: Kysely<DB>, logo: BrandLogoRow): Promise<void> {
  await db
    .insertInto('brand_logos')
    .values(logo)
    .onConflict((oc) =>
      oc.column('owner_id').doUpdateSet({
        content_type: logo.content_type,
        size: logo.size,
        sha256: logo.sha256,
        data_base64: logo.data_base64,
        updated_at: logo.updated_at,
      }),
    )
    .execute();
}

export async function deleteLogo(db: Kysely<DB>, ownerId: string): Promise<void> {
  await db.deleteFrom('brand_logos').where('owner_id', '=', ownerId).execute();
}
