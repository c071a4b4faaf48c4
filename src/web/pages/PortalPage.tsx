import { useCallback, useEffect, useRef, useState } from 'react';
import { portalApi } from '../api';
import { PlainLayout } from '../components/AppLayout';
import { ErrorBanner, Loading } from '../components/Notice';
import { PortalCodeForm } from '../components/PortalCodeForm';
import { PortalProjectView, type PaymentReturn } from '../components/PortalProjectView';
import { toApiError } from '../hooks';
import { useTitle } from '../router';
import type { DeliverableFile, Milestone, PortalView, Receipt } from '../types';

interface Loaded {
  view: PortalView;
  files: DeliverableFile[];
  receipts: Receipt[];
}

type State =
  | { status: 'checking' }
  | { status: 'need-code'; notice: string | null }
  | ({ status: 'ready' } & Loaded)
  | { status: 'failed'; message: string };

/** Until live events arrive, the portal asks again this often (and whenever the tab regains focus). */
const REFRESH_MS = 15_000;
/** Back from Stripe's payment page: ask this often for a minute, so the payment shows soon. */
const FAST_REFRESH_MS = 3_000;
const FAST_REFRESH_FOR_MS = 60_000;
/** A milestone paid this shortly before the return from Stripe was paid by that visit. */
const RECENTLY_PAID_MS = 15 * 60_000;

async function fetchPortal(): Promise<Loaded> {
  const [view, { files }, { receipts }] = await Promise.all([
    portalApi.project(),
    portalApi.files(),
    portalApi.receipts(),
  ]);
  return { view, files, receipts };
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
function takePaymentParam(): 'returned' | 'cancelled' | null {
  const params = new URLSearchParams(window.location.search);
  const value = params.get('payment');
  if (value === null) return null;
  params.delete('payment');
  const rest = params.toString();
  window.history.replaceState(
    null,
    '',
    `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
  );
  return value === 'returned' || value === 'cancelled' ? value : null;
}

/** What a background refresh brought that the client should hear about. */
function news(before: Milestone[], after: Milestone[]): string {
  const said: string[] = [];
  for (const m of after) {
    const old = before.find((b) => b.id === m.id);
    if (old === undefined || old.status === m.status) continue;
    if (m.status === 'delivered') said.push(`Milestone ${m.position}, ${m.title}, was delivered.`);
    if (m.status === 'paid')
      said.push(`Milestone ${m.position}, ${m.title}, is paid: its files are unlocked.`);
    if (m.status === 'open') said.push(`Milestone ${m.position}, ${m.title}, is now open.`);
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
  const [state, setState] = useState<State>({ status: 'checking' });
  const [announcement, setAnnouncement] = useState('');
  const started = useRef(false);
  const [paymentReturn, setPaymentReturn] = useState<PaymentReturn | null>(null);
  // Until when the portal asks every FAST_REFRESH_MS rather than every REFRESH_MS.
  const fastUntil = useRef(0);
  useTitle(state.status === 'ready' ? state.view.project.title : 'Open your project');

  const load = useCallback(async (whenUnauthorised: string | null) => {
    try {
      const loaded = await fetchPortal();
      setState({ status: 'ready', ...loaded });
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 401 || e.status === 403 || e.status === 404)
        setState({ status: 'need-code', notice: whenUnauthorised });
      else setState({ status: 'failed', message: e.message });
    }
  }, []);

  const openWithToken = useCallback(
    (token: string) => {
      // The link's secret must not linger in the address bar, history or a bookmark.
      window.history.replaceState(null, '', '/portal');
      setState({ status: 'checking' });
      portalApi.open({ token }).then(
        () => load('This link did not open the project. Enter the access code instead.'),
        (err: unknown) => {
          const e = toApiError(err);
          setState({
            status: 'need-code',
            notice:
              e.code === 'INVALID_ACCESS'
                ? 'This link no longer works: it may have been replaced or revoked. Ask your freelancer for a new one, or enter a code.'
                : e.message,
          });
        },
      );
    },
    [load],
  );

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const payment = takePaymentParam();
    if (payment !== null) {
      const at = Date.now();
      if (payment === 'returned') fastUntil.current = at + FAST_REFRESH_FOR_MS;
      setPaymentReturn({ kind: payment, at, awaiting: null });
    }
    const token = tokenFromHash();
    if (token === null) void load(null);
    else openWithToken(token);
  }, [load, openWithToken]);

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
  const readyView = state.status === 'ready' ? state.view : null;
  useEffect(() => {
    if (readyView === null) return;
    setPaymentReturn((prev) =>
      prev !== null && prev.awaiting === null
        ? { ...prev, awaiting: paidByThisVisit(readyView.milestones, prev.at) }
        : prev,
    );
  }, [readyView]);

  // Until live events arrive: ask again every REFRESH_MS while the tab is visible, and at once
  // when the client comes back to it, so a delivery or a payment shows without a reload.
  const ready = state.status === 'ready';
  const current = useRef<PortalView | null>(null);
  current.current = state.status === 'ready' ? state.view : null;
  useEffect(() => {
    if (!ready) return;
    let inFlight = false;
    let timer = 0;
    let stopped = false;
    async function refresh() {
      if (inFlight || document.visibilityState === 'hidden') return;
      inFlight = true;
      try {
        const loaded = await fetchPortal();
        const before = current.current;
        if (before !== null) {
          const said = news(before.milestones, loaded.view.milestones);
          if (said !== '') setAnnouncement(said);
        }
        setState((prev) => (prev.status === 'ready' ? { status: 'ready', ...loaded } : prev));
      } catch (err) {
        const e = toApiError(err);
        // Access revoked or replaced: back to the code form. A passing network fault: keep
        // showing what we have and try again next time.
        if (e.status === 401 || e.status === 403 || e.status === 404)
          setState({
            status: 'need-code',
            notice: 'Your access to this project ended. Enter a new code from your freelancer.',
          });
      } finally {
        inFlight = false;
      }
    }
    // One timer at a time, re-armed after each round: fast for a minute after Stripe, then calm.
    function schedule() {
      if (stopped) return;
      const delay = Date.now() < fastUntil.current ? FAST_REFRESH_MS : REFRESH_MS;
      timer = window.setTimeout(() => {
        void refresh().finally(schedule);
      }, delay);
    }
    schedule();
    const onFocus = () => void refresh();
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [ready]);

  async function leave() {
    try {
      await portalApi.logout();
      setState({ status: 'need-code', notice: null });
    } catch (err) {
      setState({ status: 'failed', message: toApiError(err).message });
    }
  }

  return (
    <PlainLayout wide={state.status === 'ready'}>
      {state.status === 'checking' ? <Loading what="your project" /> : null}
      {state.status === 'need-code' ? (
        <PortalCodeForm
          notice={state.notice}
          onOpened={() =>
            load('The code was accepted but the project could not be opened. Try again.')
          }
        />
      ) : null}
      {state.status === 'ready' ? (
        <PortalProjectView
          view={state.view}
          files={state.files}
          receipts={state.receipts}
          paymentReturn={paymentReturn}
          onChanged={() => load(null)}
          onLeave={leave}
        />
      ) : null}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {state.status === 'failed' ? (
        <>
          <h1>Open your project</h1>
          <ErrorBanner message={state.message} />
          <button type="button" onClick={() => void load(null)}>
            Try again
          </button>
        </>
      ) : null}
    </PlainLayout>
  );
}
