import type { Kysely } from 'kysely';
import type { ClientRow, DB } from '../schema';

export async function insertClient(
  db: Kysely<DB>,
  client: Omit<ClientRow, 'tax_id' | 'postal_address'> &
    Partial<Pick<ClientRow, 'tax_id' | 'postal_address'>>,
): Promise<ClientRow> {
  return db.insertInto('clients').values(client).returningAll().executeTakeFirstOrThrow();
}

export function findOwnedClient(
  db: Kysely<DB>,
  ownerId: string,
  clientId: string,
): Promise<ClientRow | undefined> {
  return db
    .selectFrom('clients')
    .selectAll()
    .where('id', '=', clientId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
}

/** The language of the client a project is for (portal pages and PDFs in their language). */
export async function findClientLocaleOfProject(
  db: Kysely<DB>,
  projectId: string,
): Promise<ClientRow['locale'] | undefined> {
  const row = await db
    .selectFrom('projects')
    .innerJoin('clients', 'clients.id', 'projects.client_id')
    .select('clients.locale')
    .where('projects.id', '=', projectId)
    .executeTakeFirst();
  return row?.locale;
}

export function listOwnedClients(
  db: Kysely<DB>,
  ownerId: string,
  includeArchived: boolean,
): Promise<ClientRow[]> {
  let query = db.selectFrom('clients').selectAll().where('owner_id', '=', ownerId);
  if (!includeArchived) query = query.where('archived_at', 'is', null);
  return query.orderBy('name').orderBy('id').execute();
}

export function updateOwnedClient(
  db: Kysely<DB>,
  ownerId: string,
  clientId: string,
  changes: Partial<
    Pick<
      ClientRow,
      'name' | 'email' | 'company' | 'locale' | 'archived_at' | 'tax_id' | 'postal_address'
    >
  > & {
    updated_at: string;
  },
): Promise<ClientRow | undefined> {
  return db
    .updateTable('clients')
    .set(changes)
    .where('id', '=', clientId)
    .where('owner_id', '=', ownerId)
    .returningAll()
    .executeTakeFirst();
}
