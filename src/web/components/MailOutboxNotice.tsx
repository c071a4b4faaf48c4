import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { keys, queries } from '../queries';
import { ErrorBanner } from './Notice';

/**
 * The freelancer's mail that keeps failing (or was given up): who it is for, what it is, how
 * many attempts and the last error, with a button to try again now. Nothing when all is well.
 */
export function MailOutboxNotice() {
  const t = useT();
  const f = useFormat();
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
      <h2 id="mail-outbox-heading">{t('settings.outbox.heading', { count: shown.length })}</h2>
      <p>{t('settings.outbox.explain')}</p>
      <ErrorBanner message={error} />
      <ul aria-label={t('settings.outbox.list')}>
        {shown.map((m) => (
          <li key={m.id}>
            <p>
              <T
                id="settings.outbox.item"
                values={{
                  subject: (
                    <strong>
                      <bdi>{m.subject}</bdi>
                    </strong>
                  ),
                  to: <bdi>{m.to}</bdi>,
                }}
              />
            </p>
            <p className="muted">
              {m.state === 'failed'
                ? t('settings.outbox.givenUp', { attempts: m.attempts })
                : t('settings.outbox.next', {
                    attempts: m.attempts,
                    next: f.dateTime(m.nextAttemptAt),
                  })}
              {m.lastError ? t('settings.outbox.lastError', { error: m.lastError }) : ''}
            </p>
            <button
              type="button"
              className="button button-secondary"
              disabled={busy === m.id}
              onClick={() => retry.mutate(m.id)}
              aria-label={t('settings.outbox.retryLabel', { subject: m.subject, to: m.to })}
            >
              {busy === m.id ? t('settings.outbox.retrying') : t('settings.outbox.retry')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
