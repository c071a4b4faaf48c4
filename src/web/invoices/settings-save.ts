import type { QueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { keys, queries } from '../queries';
import type { Settings, SettingsInput } from '../types';

/**
 * Saves some of the account's settings: PUT /api/settings wants the name, business name and
 * instructions every time, so the rest is taken as last saved (not from another form's unsaved
 * edits). The answer becomes the cached profile at once.
 */
export async function saveSettings(
  client: QueryClient,
  changes: Partial<SettingsInput>,
): Promise<Settings> {
  const current = await client.ensureQueryData(queries.profile());
  const next = await api.putSettings({
    name: current.name,
    businessName: current.businessName,
    paymentInstructions: current.paymentInstructions,
    ...changes,
  });
  client.setQueryData(keys.profile(), next);
  return next;
}
