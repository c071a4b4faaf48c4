import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { formatDateTime } from '../format';
import { keys, queries } from '../queries';
import { ErrorBanner } from './Notice';

/**
 * The freelancer's mail that keeps failing (or was given up): who it is for, what it is, how
 * many attempts and the last error, with a button to try again now. Nothing when all is well.
 */
export function MailOutboxNotice() {
  const queryClient = useQueryClient();
  const { data } = useQuery(queries.mailOutbox());
  const retry = useMutation({
    mutationFn: (id: string) => api.retryMail(id),
    onSuccess: (answer) => {
      queryClient.setQueryData(keys.mailOutbox(), answer);
      // The worker tries at once; look again shortly to show the outcome.
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: keys.mailOutbox() }), 1500);
    },
  });
  const busy = retry.isPending ? retry.variables : undefined;
  const error = retry.error?.message;
  const shown = (data?.messages ?? []).filter((m) => m.state !== 'pending');
  if (shown.length === 0 && !error) return null;

  return (
    <section className="warning mail-outbox" aria-labelledby="mail-outbox-heading">
      <h2 id="mail-outbox-heading">
        {shown.length === 1
          ? 'An email could not be sent'
          : `${shown.length} emails could not be sent`}
      </h2>
      <p>
        Nothing is lost: each email is kept and tried again later. Check the mail settings, then
        retry.
      </p>
      <ErrorBanner message={error} />
      <ul aria-label="Emails not sent">
        {shown.map((m) => (
          <li key={m.id}>
            <p>
              <strong>
                <bdi>{m.subject}</bdi>
              </strong>{' '}
              to <bdi>{m.to}</bdi>
            </p>
            <p className="muted">
              {m.state === 'failed'
                ? `Given up after ${m.attempts} attempts`
                : `${m.attempts} attempts; next ${formatDateTime(m.nextAttemptAt)}`}
              {m.lastError ? ` — last error: ${m.lastError}` : ''}
            </p>
            <button
              type="button"
              className="button button-secondary"
              disabled={busy === m.id}
              onClick={() => retry.mutate(m.id)}
              aria-label={`Retry now: “${m.subject}” to ${m.to}`}
            >
              {busy === m.id ? 'Retrying…' : 'Retry now'}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
