/**
 * The client's review of a delivered, unpaid milestone (issue #11): approve it, or ask for a
 * revision with a note. The rounds the contract includes are counted ("1 of 2 revisions used");
 * once they are used the request is not offered: more changes are a change order from the
 * freelancer. Paying approves too, so the pay box below stays where it was.
 */
import { useState, type FormEvent } from 'react';
import { TextArea } from '../components/Field';
import { ErrorBanner } from '../components/Notice';
import { toApiError } from '../hooks';
import { useT } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import type { Milestone } from '../types';
import { revisionsApi } from './revisions-api';

/** The longest note the server takes (src/domain/revisions.ts MAX_REVISION_NOTE). */
const MAX_NOTE = 5000;

function Review({
  milestone: m,
  freelancer,
  onChanged,
}: {
  milestone: Milestone;
  freelancer: string;
  onChanged: () => Promise<void>;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = `review-${m.id}`;
  const noteId = `review-note-${m.id}`;
  const roundsLeft = m.revisionRounds - m.revisionsUsed;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setAsking(false);
      setNote('');
      await onChanged();
    } catch (err) {
      const e = toApiError(err);
      setError(e.code === 'REVISION_ROUNDS_USED' ? t('revisions.roundsUsedRefused') : e.message);
      // Decided meanwhile (paid, approved, rounds used): show what is true now.
      if (e.status === 409) await onChanged();
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = note.trim();
    if (trimmed === '') {
      setNoteError(t('revisions.noteMissing'));
      document.getElementById(noteId)?.focus();
      return;
    }
    setNoteError(undefined);
    void run(() => revisionsApi.requestRevision(m.id, trimmed));
  }

  return (
    <section
      className="review-box stack"
      aria-labelledby={headingId}
      data-testid={`review-${m.id}`}
    >
      <h4 id={headingId} tabIndex={-1}>
        {t('revisions.heading')}
      </h4>
      <p>{t('revisions.explain', { name: freelancer })}</p>
      <p className="muted" data-testid={`rounds-${m.id}`}>
        {m.revisionRounds === 0
          ? t('revisions.noneIncluded')
          : t('revisions.roundsUsed', { used: m.revisionsUsed, rounds: m.revisionRounds })}
      </p>
      <ErrorBanner message={error} />
      {asking ? (
        <form className="stack" noValidate onSubmit={submit}>
          <TextArea
            id={noteId}
            label={t('revisions.noteLabel')}
            hint={t('revisions.noteHint', { name: freelancer })}
            required
            rows={4}
            maxLength={MAX_NOTE}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            error={noteError}
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('revisions.send')}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                setAsking(false);
                setNoteError(undefined);
              }}
            >
              {t('revisions.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <div className="actions">
            <button
              type="button"
              className="button-brand"
              disabled={busy}
              onClick={() => void run(() => revisionsApi.approve(m.id))}
            >
              {t('revisions.approve')}
            </button>
            {roundsLeft > 0 ? (
              <button
                type="button"
                className="button-secondary"
                disabled={busy}
                onClick={() => setAsking(true)}
              >
                {t('revisions.request')}
              </button>
            ) : null}
          </div>
          <p className="muted">{t('revisions.approveMeans', { name: freelancer })}</p>
          {roundsLeft <= 0 ? (
            <p className="banner banner-info" data-testid={`rounds-used-${m.id}`}>
              {t('revisions.changeOrderNeeded', { name: freelancer })}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

export default function PortalReview(props: {
  milestone: Milestone;
  freelancer: string;
  onChanged: () => Promise<void>;
}) {
  return (
    <LazyMessages area="revisions">
      <Review {...props} />
    </LazyMessages>
  );
}
