import { newId, nowIso } from '../db/ids';
import { insertClient, updateOwnedClient } from '../db/queries/clients';
import type { ClientRow } from '../db/schema';
import type { Locale } from '../i18n/locales';
import { notFound } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

export interface ClientFields {
  name: string;
  email: string;
  company: string;
  locale: Locale;
  /** Printed on invoices and receipts. */
  taxId?: string | undefined;
  postalAddress?: string | undefined;
}

export function createClient(
  options: Pick<ActionContext, 'db' | 'clock'> & { ownerId: string; fields: ClientFields },
): Promise<ClientRow> {
  const now = nowOf(options).toISOString();
  return insertClient(options.db, {
    id: newId(),
    owner_id: options.ownerId,
    name: options.fields.name.trim(),
    email: options.fields.email.trim().toLowerCase(),
    company: options.fields.company.trim(),
    locale: options.fields.locale,
    tax_id: options.fields.taxId?.trim() ?? '',
    postal_address: options.fields.postalAddress?.trim() ?? '',
    archived_at: null,
    created_at: now,
    updated_at: now,
  });
}

export async function updateClient(
  options: Pick<ActionContext, 'db'> & {
    ownerId: string;
    clientId: string;
    changes: Partial<ClientFields> & { archived?: boolean };
  },
): Promise<ClientRow> {
  const { changes } = options;
  const now = nowIso();
  const updated = await updateOwnedClient(options.db, options.ownerId, options.clientId, {
    ...(changes.name !== undefined && { name: changes.name.trim() }),
    ...(changes.email !== undefined && { email: changes.email.trim().toLowerCase() }),
    ...(changes.company !== undefined && { company: changes.company.trim() }),
    ...(changes.locale !== undefined && { locale: changes.locale }),
    ...(changes.taxId !== undefined && { tax_id: changes.taxId.trim() }),
    ...(changes.postalAddress !== undefined && { postal_address: changes.postalAddress.trim() }),
    ...(changes.archived !== undefined && { archived_at: changes.archived ? now : null }),
    updated_at: now,
  });
  if (!updated) throw notFound('Client');
  return updated;
}
