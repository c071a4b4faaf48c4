import { useState } from 'react';
import { api } from '../api';
import { toApiError } from '../hooks';
import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { Project } from '../types';
import { ConfirmDialog } from './ConfirmDialog';
import { CopyButton } from './CopyButton';
import { ErrorBanner } from './Notice';

/** A fresh code and link, just issued: shown once, to copy. */
export interface Issued {
  code: string;
  link: string;
  /** Where the invitation went, when it was emailed. */
  sentTo?: string;
}

/** Emails the client a fresh code and link (the invite API); the answer is shown to copy too. */
export async function inviteClient(projectId: string): Promise<Issued> {
  return api.inviteClient(projectId);
}

/** The code and link just issued: sent by email, and here to copy once. */
export function IssuedAccess({
  issued,
  clientName,
  onDismiss,
}: {
  issued: Issued;
  clientName: string;
  onDismiss: () => void;
}) {
  const t = useT();
  return (
    <div className="card secret stack" role="region" aria-label={t('workspace.share.newCode')}>
      {issued.sentTo !== undefined ? (
        <p className="banner banner-success" role="status">
          <T
            id="workspace.share.sent"
            values={{ client: <bdi>{clientName}</bdi>, email: <bdi>{issued.sentTo}</bdi> }}
          />
        </p>
      ) : null}
      <p className="warning">
        <strong>{t('workspace.share.copyNow')}</strong> {t('workspace.share.replaces')}
      </p>
      <p className="label-like" id="access-code-label">
        {t('workspace.share.code')}
      </p>
      <p className="access-code" aria-labelledby="access-code-label" data-testid="access-code">
        {issued.code}
      </p>
      <CopyButton text={issued.code} label={t('workspace.share.copyCode')} />
      <p className="label-like" id="access-link-label">
        {t('workspace.share.link')}
      </p>
      <p className="access-link" aria-labelledby="access-link-label">
        <code>{issued.link}</code>
      </p>
      <CopyButton text={issued.link} label={t('workspace.share.copyLink')} />
      <div className="actions">
        <button type="button" className="button-secondary" onClick={onDismiss}>
          {t('workspace.share.done')}
        </button>
      </div>
    </div>
  );
}

/**
 * The client's access: whether they can open the project, a new invitation (a fresh code and
 * link by email, the old ones stop working) and revoking access. The first invitation is the
 * "Next" card's step.
 */
export function SharePanel({
  project,
  onIssued,
  onChanged,
}: {
  project: Project;
  onIssued: (issued: Issued) => void;
  onChanged: () => Promise<void>;
}) {
  const t = useT();
  const f = useFormat();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const active = project.access.active;

  async function reinvite() {
    setBusy(true);
    setError(null);
    try {
      onIssued(await inviteClient(project.id));
      await onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  async function revoke() {
    setError(null);
    try {
      await api.revokeAccess(project.id);
      await onChanged();
    } catch (err) {
      setError(toApiError(err).message);
      throw err;
    }
  }

  return (
    <section className="card stack" aria-labelledby="share-heading">
      <h2 id="share-heading">{t('workspace.share.title')}</h2>
      <p>
        {active ? (
          <T
            id="workspace.share.active"
            values={{
              client: <bdi>{project.clientName}</bdi>,
              date: f.dateTime(project.access.createdAt),
            }}
          />
        ) : (
          <T id="workspace.share.inactive" values={{ client: <bdi>{project.clientName}</bdi> }} />
        )}{' '}
        {t('workspace.share.noAccount')}
      </p>
      <ErrorBanner message={error} />
      {active ? (
        <>
          <div className="actions">
            <button
              type="button"
              className="button-secondary"
              disabled={busy}
              onClick={() => void reinvite()}
            >
              {t('workspace.share.reinvite')}
            </button>
            <ConfirmDialog
              trigger={
                <button type="button" className="button-secondary">
                  {t('workspace.share.revoke')}
                </button>
              }
              title={t('workspace.share.revokeTitle')}
              consequences={[t('workspace.share.revokeText', { client: project.clientName })]}
              confirmLabel={t('workspace.share.revokeConfirm')}
              danger
              onConfirm={revoke}
            />
          </div>
          <p className="muted">{t('workspace.share.reinviteHint')}</p>
        </>
      ) : null}
    </section>
  );
}
