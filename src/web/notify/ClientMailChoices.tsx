/**
 * Which notification mails the client gets for this project (new files, deliveries, payment
 * reminders, unread messages): each box saves at once. Receipts are records and always go.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBanner, SuccessNote } from '../components/Notice';
import { toApiError } from '../hooks';
import { useT } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import { useKindLabel } from './kinds';
import {
  CLIENT_KINDS,
  notifyApi,
  notifyKeys,
  notifyQueries,
  type ClientMailKind,
} from './notify-api';

export function ClientMailChoices() {
  return (
    <LazyMessages area="notify">
      <Choices />
    </LazyMessages>
  );
}

function Choices() {
  const t = useT();
  const kindLabel = useKindLabel();
  const queryClient = useQueryClient();
  const loaded = useQuery(notifyQueries.client());
  const [saving, setSaving] = useState<ClientMailKind | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function choose(kind: ClientMailKind, wanted: boolean) {
    const before = loaded.data;
    if (!before) return;
    setSaving(kind);
    setError(null);
    setSaved(false);
    // The box shows the choice at once; a refusal puts it back as the server holds it.
    queryClient.setQueryData(notifyKeys.client(), { mail: { ...before.mail, [kind]: wanted } });
    try {
      const next = await notifyApi.saveClient({ [kind]: wanted });
      queryClient.setQueryData(notifyKeys.client(), next);
      setSaved(true);
    } catch (err) {
      queryClient.setQueryData(notifyKeys.client(), before);
      setError(toApiError(err).message);
    } finally {
      setSaving(null);
    }
  }

  const mail = loaded.data?.mail;
  return (
    <section className="card stack" aria-labelledby="portal-mail-heading">
      <h2 id="portal-mail-heading">{t('notify.portal.heading')}</h2>
      <ErrorBanner message={loaded.error?.message ?? error} />
      {mail ? (
        <fieldset className="stack-tight">
          <legend>{t('notify.portal.legend')}</legend>
          {CLIENT_KINDS.map((kind) => (
            <label key={kind} className="checkbox">
              <input
                type="checkbox"
                checked={mail[kind]}
                disabled={saving !== null}
                onChange={(e) => void choose(kind, e.target.checked)}
              />
              {kindLabel('client', kind)}
            </label>
          ))}
          <p className="hint">{t('notify.portal.hint')}</p>
        </fieldset>
      ) : null}
      <SuccessNote>{saved ? t('notify.portal.saved') : null}</SuccessNote>
    </section>
  );
}
