import { useState } from 'react';
import { api } from '../api';
import { CopyButton } from './CopyButton';
import { ErrorBanner } from './Notice';
import { formatDateTime } from '../format';
import { toApiError } from '../hooks';
import type { Project } from '../types';

/** Issues (or re-issues) the client's access code and link, shown once, and revokes access. */
export function SharePanel({
  project,
  onChanged,
}: {
  project: Project;
  onChanged: () => Promise<void>;
}) {
  const [issued, setIssued] = useState<{ code: string; link: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const active = project.access.active;

  async function share() {
    setBusy(true);
    setError(null);
    try {
      setIssued(await api.issueAccess(project.id));
      await onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await api.revokeAccess(project.id);
      setIssued(null);
      setConfirmRevoke(false);
      await onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="share-heading">
      <h2 id="share-heading">Client access</h2>
      <p>
        {active
          ? `${project.clientName} has access since ${formatDateTime(project.access.createdAt)}.`
          : `${project.clientName} cannot open this project yet.`}{' '}
        The client needs no account: the access code (or the link that carries it) opens the
        project.
      </p>
      <ErrorBanner message={error} />
      {issued ? (
        <div className="secret" role="region" aria-label="New access code">
          <p className="warning">
            <strong>Copy these now: they will not be shown again.</strong> Send them to{' '}
            {project.clientName}. Sharing again replaces them.
          </p>
          <p className="label-like" id="access-code-label">
            Access code
          </p>
          <p className="access-code" aria-labelledby="access-code-label" data-testid="access-code">
            {issued.code}
          </p>
          <CopyButton text={issued.code} label="Copy code" />
          <p className="label-like" id="access-link-label">
            Access link
          </p>
          <p className="access-link" aria-labelledby="access-link-label">
            <code>{issued.link}</code>
          </p>
          <CopyButton text={issued.link} label="Copy link" />
        </div>
      ) : null}
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void share()}>
          {active ? 'Issue a new code' : 'Share with client'}
        </button>
        {active && !confirmRevoke ? (
          <button type="button" className="button-secondary" onClick={() => setConfirmRevoke(true)}>
            Revoke access
          </button>
        ) : null}
      </div>
      {active ? (
        <p className="muted">
          A new code ends the client’s open sessions and makes the old code and link stop working.
        </p>
      ) : null}
      {confirmRevoke ? (
        <div className="confirm" role="group" aria-label="Confirm revoking access">
          <p>Revoke access? The client is signed out and the code and link stop working.</p>
          <div className="actions">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void revoke()}
            >
              Yes, revoke access
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => setConfirmRevoke(false)}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
