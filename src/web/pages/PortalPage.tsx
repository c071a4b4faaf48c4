import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, type NavigateFunction } from 'react-router';
import { type ApiError, portalApi } from '../api';
import { PlainLayout } from '../components/AppLayout';
import { ErrorBanner, Loading } from '../components/Notice';
import { PortalCodeForm } from '../components/PortalCodeForm';
import { PortalLayout } from '../components/PortalLayout';
import { usePortalDeepLink } from '../components/PortalDeepLink';
import { usePortalLanguage } from '../components/PortalLanguage';
import { PortalProjectView, type PaymentReturn } from '../components/PortalProjectView';
import { toApiError, useTitle } from '../hooks';
import { useT, type Translate } from '../i18n';
import { keys, queries } from '../queries';
import type { Milestone } from '../types';

/**
 * Whether the portal asks the server for the project. `open` runs the portal query (its
 * refusals lead back to the code form with `whenUnauthorised`); the others show no project.
 */
type Gate =
  | { status: 'checking' }
  | { status: 'open'; whenUnauthorised: string | null }
  | { status: 'need-code'; notice: string | null }
  | { status: 'failed'; message: string };

/** Until live events arrive, the portal asks again this often (and whenever the tab regains focus). */
const REFRESH_MS = 15_000;
/** Back from Stripe's payment page: ask this often for a minute, so the payment shows soon. */
const FAST_REFRESH_MS = 3_000;
const FAST_REFRESH_FOR_MS = 60_000;
/** A milestone paid this shortly before the return from Stripe was paid by that visit. */
const RECENTLY_PAID_MS = 15 * 60_000;

/** The session does not open this project (any more): the client needs a (new) code. */
function refused(error: ApiError | null): boolean {
  return error !== null && (error.status === 401 || error.status === 403 || error.status === 404);
}

/**
 * The milestones the client just paid on Stripe's page: the one awaiting payment, or, when
 * Stripe's webhook arrived before the browser did, the one paid moments before the return.
 */
function paidByThisVisit(milestones: readonly Milestone[], returnedAt: number): string[] {
  const awaiting = milestones.filter((m) => m.status === 'delivered' && m.outstandingMinor > 0);
  if (awaiting.length > 0) return awaiting.map((m) => m.id);
  const recent = milestones
    .filter(
      (m) =>
        m.status === 'paid' &&
        m.paidAt !== null &&
        Date.parse(m.paidAt) > returnedAt - RECENTLY_PAID_MS,
    )
    .sort((a, b) => (b.paidAt ?? '').localeCompare(a.paidAt ?? ''));
  return recent.slice(0, 1).map((m) => m.id);
}

/**
 * Stripe sends the client back to /portal?payment=returned (or =cancelled). Read once, then
 * taken out of the address bar so a reload or a bookmark does not repeat it.
 */
function takePaymentParam(navigate: NavigateFunction): 'returned' | 'cancelled' | null {
  const params = new URLSearchParams(window.location.search);
  const value = params.get('payment');
  if (value === null) return null;
  params.delete('payment');
  const rest = params.toString();
  void navigate(`${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`, {
    replace: true,
  });
  return value === 'returned' || value === 'cancelled' ? value : null;
}

/** What a background refresh brought that the client should hear about. */
function news(before: Milestone[], after: Milestone[], t: Translate): string {
  const said: string[] = [];
  for (const m of after) {
    const old = before.find((b) => b.id === m.id);
    if (old === undefined || old.status === m.status) continue;
    const values = { position: m.position, title: m.title };
    if (m.status === 'delivered') said.push(t('portal.news.delivered', values));
    if (m.status === 'paid') said.push(t('portal.news.paid', values));
    if (m.status === 'open') said.push(t('portal.news.open', values));
  }
  return said.join(' ');
}

function tokenFromHash(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = params.get('access');
  return token && token.trim() !== '' ? token.trim() : null;
}

/** The client portal: opens with the link's token or a typed code, then shows the project. */
export function PortalPage() {
  const queryClient = useQueryClient();
  const t = useT();
  const navigate = useNavigate();
  const [gate, setGate] = useState<Gate>({ status: 'checking' });
  const [announcement, setAnnouncement] = useState('');
  const started = useRef(false);
  const [paymentReturn, setPaymentReturn] = useState<PaymentReturn | null>(null);
  // Until when the portal asks every FAST_REFRESH_MS rather than every REFRESH_MS.
  const fastUntil = useRef(0);

  // Until live events arrive: asked again every REFRESH_MS while the tab is visible (fast for a
  // minute after Stripe), and at once when the client comes back to it, so a delivery or a
  // payment shows without a reload. A passing network fault keeps what is shown.
  const portal = useQuery({
    ...queries.portal(),
    enabled: gate.status === 'open',
    refetchOnWindowFocus: true,
    refetchInterval: (query) =>
      query.state.data === undefined || refused(query.state.error)
        ? false
        : Date.now() < fastUntil.current
          ? FAST_REFRESH_MS
          : REFRESH_MS,
  });
  const loaded = gate.status === 'open' && !refused(portal.error) ? portal.data : undefined;
  usePortalDeepLink(loaded?.view ?? null, loaded?.files ?? null);
  usePortalLanguage(loaded?.view.locale);
  useTitle(loaded ? loaded.view.project.title : t('portal.page.title'));

  /** Asks for the project afresh (nothing of an earlier session shown meanwhile). */
  const openPortal = useCallback(
    (whenUnauthorised: string | null) => {
      queryClient.removeQueries({ queryKey: keys.portal() });
      setGate({ status: 'open', whenUnauthorised });
    },
    [queryClient],
  );

  const openWithToken = useCallback(
    (token: string) => {
      // The link's secret must not linger in the address bar, history or a bookmark.
      void navigate('/portal', { replace: true });
      setGate({ status: 'checking' });
      portalApi.open({ token }).then(
        () => openPortal(t('portal.page.linkDidNotOpen')),
        (err: unknown) => {
          const e = toApiError(err);
          setGate({
            status: 'need-code',
            notice: e.code === 'INVALID_ACCESS' ? t('portal.page.linkDead') : e.message,
          });
        },
      );
    },
    [openPortal, navigate, t],
  );

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const payment = takePaymentParam(navigate);
    if (payment !== null) {
      const at = Date.now();
      if (payment === 'returned') fastUntil.current = at + FAST_REFRESH_FOR_MS;
      setPaymentReturn({ kind: payment, at, awaiting: null });
    }
    const token = tokenFromHash();
    if (token === null) openPortal(null);
    else openWithToken(token);
  }, [openPortal, openWithToken, navigate]);

  // A link pasted into a tab that already shows the portal changes only the hash.
  useEffect(() => {
    function onHashChange() {
      const token = tokenFromHash();
      if (token !== null) openWithToken(token);
    }
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [openWithToken]);

  // Back from Stripe: remember which milestones were awaiting payment, to say when one is paid.
  const readyView = loaded?.view ?? null;
  useEffect(() => {
    if (readyView === null) return;
    setPaymentReturn((prev) =>
      prev !== null && prev.awaiting === null
        ? { ...prev, awaiting: paidByThisVisit(readyView.milestones, prev.at) }
        : prev,
    );
  }, [readyView]);

  // What a refetch brought that the client should hear about.
  const shownMilestones = useRef<Milestone[] | null>(null);
  useEffect(() => {
    const before = shownMilestones.current;
    const after = readyView?.milestones ?? null;
    if (before !== null && after !== null) {
      const said = news(before, after, t);
      if (said !== '') setAnnouncement(said);
    }
    shownMilestones.current = after;
  }, [readyView, t]);

  async function leave() {
    try {
      await portalApi.logout();
      queryClient.removeQueries({ queryKey: keys.portal() });
      setGate({ status: 'need-code', notice: null });
    } catch (err) {
      setGate({ status: 'failed', message: toApiError(err).message });
    }
  }

  // What to show: the gate's own state, or what the portal query says.
  let view: 'checking' | 'need-code' | 'ready' | 'failed' = 'checking';
  let notice: string | null = null;
  let failure: string | null = null;
  if (gate.status === 'need-code') {
    view = 'need-code';
    notice = gate.notice;
  } else if (gate.status === 'failed') {
    view = 'failed';
    failure = gate.message;
  } else if (gate.status === 'open') {
    if (refused(portal.error)) {
      view = 'need-code';
      // Refused after the project was shown: the access was revoked or replaced meanwhile.
      notice = portal.data !== undefined ? t('portal.page.accessEnded') : gate.whenUnauthorised;
    } else if (loaded !== undefined) {
      view = 'ready';
    } else if (portal.error) {
      view = 'failed';
      failure = portal.error.message;
    }
  }

  const status = (
    <p className="visually-hidden" role="status">
      {announcement}
    </p>
  );
  if (view === 'ready' && loaded !== undefined) {
    return (
      <PortalLayout view={loaded.view} onLeave={leave}>
        <PortalProjectView
          view={loaded.view}
          files={loaded.files}
          receipts={loaded.receipts}
          disputes={loaded.disputes}
          paymentReturn={paymentReturn}
          onChanged={() => queryClient.invalidateQueries({ queryKey: keys.portal() })}
        />
        {status}
      </PortalLayout>
    );
  }
  return (
    <PlainLayout>
      {view === 'checking' ? <Loading what={t('portal.page.loadingWhat')} /> : null}
      {view === 'need-code' ? (
        <PortalCodeForm
          notice={notice}
          onOpened={async () => openPortal(t('portal.page.codeAcceptedFailed'))}
        />
      ) : null}
      {status}
      {view === 'failed' ? (
        <>
          <h1>{t('portal.page.title')}</h1>
          <ErrorBanner message={failure} />
          <button type="button" onClick={() => openPortal(null)}>
            {t('common.retry')}
          </button>
        </>
      ) : null}
    </PlainLayout>
  );
}
