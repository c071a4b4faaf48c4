import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ClientForm } from '../components/ClientForm';
import { ErrorBanner, Loading, SuccessNote } from '../components/Notice';
import { toApiError, useTitle } from '../hooks';
import { keys, queries } from '../queries';
import type { Client } from '../types';

export function ClientsPage() {
  useTitle('Clients');
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
      <h1>Clients</h1>
      <ErrorBanner message={error?.message} />
      <section className="card" aria-labelledby="new-client-heading">
        <h2 id="new-client-heading">Add a client</h2>
        <ClientForm
          idPrefix="new-client"
          submitLabel="Add client"
          onSubmit={async (fields) => {
            const { client } = await api.createClient(fields);
            setNote(`${client.name} added.`);
            await reload();
          }}
        />
        <SuccessNote>{note}</SuccessNote>
      </section>
      <section aria-labelledby="client-list-heading">
        <div className="page-head">
          <h2 id="client-list-heading">Your clients</h2>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={includeArchived}
              onChange={(e) => setIncludeArchived(e.target.checked)}
            />
            Show archived
          </label>
        </div>
        {loading && !data ? <Loading what="clients" /> : null}
        {data && clients.length === 0 ? (
          <p className="card empty">
            No clients yet. Add the first one above; you can then start a project for them.
          </p>
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
          initial={{ name: client.name, email: client.email, company: client.company }}
          submitLabel="Save client"
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
              {archived ? <span className="badge badge-locked">Archived</span> : null}
            </h3>
            <p className="muted">
              {client.email}
              {client.company ? (
                <>
                  {' · '}
                  <bdi>{client.company}</bdi>
                </>
              ) : null}
            </p>
          </div>
          <div className="actions">
            <button type="button" className="button-secondary" onClick={() => setEditing(true)}>
              Edit<span className="visually-hidden"> {client.name}</span>
            </button>
            <button
              type="button"
              className="button-secondary"
              disabled={busy}
              onClick={() => void toggleArchive()}
            >
              {archived ? 'Unarchive' : 'Archive'}
              <span className="visually-hidden"> {client.name}</span>
            </button>
          </div>
        </div>
      )}
      <ErrorBanner message={error} />
    </li>
  );
}
