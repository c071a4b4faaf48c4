/**
 * Where every notification mail's "unsubscribe" link leads (`/unsubscribe/:token`), for the client
 * and the freelancer alike and without logging in: it says which mails the link stops, stops them
 * on one button (a POST — opening the link changes nothing), says so, and offers to undo it.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { PlainLayout } from '../components/AppLayout';
import { ErrorBanner, Loading } from '../components/Notice';
import { toApiError, useTitle } from '../hooks';
import { useT } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import { notifyApi, notifyKeys, notifyQueries, type Subscription } from './notify-api';
import { useKindLabel } from './kinds';

type Outcome = 'unsubscribed' | 'resubscribed' | null;

export function UnsubscribePage() {
  return (
    <LazyMessages area="notify">
      <UnsubscribeScreen />
    </LazyMessages>
  );
}

function UnsubscribeScreen() {
  const t = useT();
  useTitle(t('notify.unsubscribe.title'));
  const { token = '' } = useParams();
  const subscription = useQuery(notifyQueries.subscription(token));
  return (
    <PlainLayout>
      <section className="card stack" aria-labelledby="unsubscribe-heading">
        <h1 id="unsubscribe-heading">{t('notify.unsubscribe.title')}</h1>
        {subscription.data ? (
          <Choice token={token} subscription={subscription.data} />
        ) : subscription.error?.status === 404 ? (
          <p className="banner banner-error" role="alert">
            {t('notify.unsubscribe.invalid')}
          </p>
        ) : subscription.error ? (
          <ErrorBanner message={subscription.error.message} />
        ) : (
          <Loading what={t('notify.unsubscribe.loading')} />
        )}
      </section>
    </PlainLayout>
  );
}

function Choice({ token, subscription }: { token: string; subscription: Subscription }) {
  const t = useT();
  const kindLabel = useKindLabel();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const result = useRef<HTMLParagraphElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A plain call rather than useMutation: see the note on notifyQueries.
  async function change(subscribe: boolean) {
    setBusy(true);
    setError(null);
    try {
      const next = await (subscribe ? notifyApi.resubscribe(token) : notifyApi.unsubscribe(token));
      queryClient.setQueryData(notifyKeys.subscription(token), next);
      setOutcome(next.subscribed ? 'resubscribed' : 'unsubscribed');
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }
  // The button pressed is gone; the result takes focus so it is read out and Tab goes on from it.
  useEffect(() => {
    if (outcome !== null) result.current?.focus();
  }, [outcome]);

  const { subscribed } = subscription;
  const note =
    outcome === 'unsubscribed'
      ? t('notify.unsubscribe.done')
      : outcome === 'resubscribed'
        ? t('notify.unsubscribe.resubscribed')
        : subscribed
          ? null
          : t('notify.unsubscribe.already');
  return (
    <>
      <dl className="facts">
        <dt>{t('notify.unsubscribe.kind')}</dt>
        <dd>{kindLabel(subscription.audience, subscription.kind)}</dd>
        {subscription.projectTitle !== null ? (
          <>
            <dt>{t('notify.unsubscribe.project')}</dt>
            <dd>
              <bdi>{subscription.projectTitle}</bdi>
            </dd>
          </>
        ) : null}
      </dl>
      {note !== null ? (
        <p
          ref={result}
          tabIndex={-1}
          role="status"
          className={`banner ${subscribed ? 'banner-success' : 'banner-info'}`}
        >
          {note}
        </p>
      ) : null}
      <ErrorBanner message={error} />
      {subscribed ? (
        <>
          <p>{t('notify.unsubscribe.ask')}</p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void change(false)}>
              {busy ? t('notify.saving') : t('notify.unsubscribe.confirm')}
            </button>
          </div>
        </>
      ) : (
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={busy}
            onClick={() => void change(true)}
          >
            {busy ? t('notify.saving') : t('notify.unsubscribe.resubscribe')}
          </button>
        </div>
      )}
      <p className="muted">
        {subscription.audience === 'client' ? (
          <>
            {t('notify.unsubscribe.more.client')}{' '}
            <Link to="/portal">{t('notify.unsubscribe.more.client.link')}</Link>
          </>
        ) : (
          <>
            {t('notify.unsubscribe.more.freelancer')}{' '}
            <Link to="/app/settings">{t('notify.unsubscribe.more.freelancer.link')}</Link>
          </>
        )}
      </p>
    </>
  );
}
