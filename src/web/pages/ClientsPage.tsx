import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ClientForm } from '../components/ClientForm';
import { ErrorBanner, Loading, SuccessNote } from '../components/Notice';
import { toApiError, useTitle } from '../hooks';
import { useT } from '../i18n';
import { keys, queries } from '../queries';
import type { Client } from '../types';

export function ClientsPage() {
  const t = useT();
  useTitle(t('clients.title'));
  const [includeArchived, setIncludeArchived] = useState(false);
  const {
    data,
    error,
    isPending: loading,
  } = useQuery({
    ...queries.clients(includeArchived),
    placeholderData: keepPreviousData,
  });
  const queryClient = useQueryClient();
  // Every list of clients (the builder's too) and the projects that show a client's name.
  const reload = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: keys.clients() }),
      queryClient.invalidateQueries({ queryKey: keys.projects() }),
    ]);
  };
  const [note, setNote] = useState<string | null>(null);
  const clients = data?.clients ?? [];

  return (
    <>
      <h1>{t('clients.title')}</h1>
      <ErrorBanner message={error?.message} />
      <section className="card" aria-labelledby="new-client-heading">
        <h2 id="new-client-heading">{t('clients.add.heading')}</h2>
        <ClientForm
          idPrefix="new-client"
          submitLabel={t('clients.add.submit')}
          onSubmit={async (fields) => {
            const { client } = await api.createClient(fields);
            setNote(t('clients.added', { name: client.name }));
            await reload();
          }}
        />
        <SuccessNote>{note}</SuccessNote>
      </section>
      <section aria-labelledby="client-list-heading">
        <div className="page-head">
          <h2 id="client-list-heading">{t('clients.list.heading')}</h2>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={includeArchived}
              onChange={(e) => setIncludeArchived(e.target.checked)}
            />
            {t('clients.list.showArchived')}
          </label>
        </div>
        {loading && !data ? <Loading what={t('clients.loading')} /> : null}
        {data && clients.length === 0 ? (
          <p className="card empty">{t('clients.list.empty')}</p>
        ) : null}
        <ul className="client-list">
          {clients.map((client) => (
            <ClientRow key={client.id} client={client} onChanged={reload} />
          ))}
        </ul>
      </section>
    </>
  );
}

function ClientRow({ client, onChanged }: { client: Client; onChanged: () => Promise<void> }) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const archived = client.archivedAt !== null;

  async function toggleArchive() {
    setBusy(true);
    setError(null);
    try {
      await api.archiveClient(client.id, !archived);
      await onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={`card client-row${archived ? ' is-archived' : ''}`}>
      {editing ? (
        <ClientForm
          idPrefix={`client-${client.id}`}
          initial={{
            name: client.name,
            email: client.email,
            company: client.company,
            locale: client.locale,
          }}
          submitLabel={t('clients.edit.submit')}
          onCancel={() => setEditing(false)}
          onSubmit={async (fields) => {
            await api.updateClient(client.id, fields);
            setEditing(false);
            await onChanged();
          }}
        />
      ) : (
        <div className="client-row-body">
          <div>
            <h3 className="client-name">
              <bdi>{client.name}</bdi>{' '}
              {archived ? (
                <span className="badge badge-locked">{t('clients.archived')}</span>
              ) : null}
            </h3>
            <p className="muted">
              {client.email}
              {client.company ? (
                <>
                  {' · '}
                  <bdi>{client.company}</bdi>
                </>
              ) : null}
              {' · '}
              <span lang={client.locale}>
                {client.locale === 'de' ? t('common.language.de') : t('common.language.en')}
              </span>
            </p>
          </div>
          <div className="actions">
            <button type="button" className="button-secondary" onClick={() => setEditing(true)}>
              {t('clients.edit')}
              <span className="visually-hidden"> {client.name}</span>
            </button>
            <button
              type="button"
              className="button-secondary"
              disabled={busy}
              onClick={() => void toggleArchive()}
            >
              {archived ? t('clients.unarchive') : t('clients.archive')}
              <span className="visually-hidden"> {client.name}</span>
            </button>
          </div>
        </div>
      )}
      <ErrorBanner message={error} />
    </li>
  );
}
