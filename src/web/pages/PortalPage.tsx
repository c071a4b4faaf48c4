import { useCallback, useEffect, useRef, useState } from 'react';
import { portalApi } from '../api';
import { PlainLayout } from '../components/AppLayout';
import { ErrorBanner, Loading } from '../components/Notice';
import { PortalCodeForm } from '../components/PortalCodeForm';
import { PortalProjectView } from '../components/PortalProjectView';
import { toApiError } from '../hooks';
import { useTitle } from '../router';
import type { DeliverableFile, Milestone, PortalView } from '../types';

type State =
  | { status: 'checking' }
  | { status: 'need-code'; notice: string | null }
  | { status: 'ready'; view: PortalView; files: DeliverableFile[] }
  | { status: 'failed'; message: string };

/** Until live events arrive, the portal asks again this often (and whenever the tab regains focus). */
const REFRESH_MS = 15_000;

async function fetchPortal(): Promise<{ view: PortalView; files: DeliverableFile[] }> {
  const [view, { files }] = await Promise.all([portalApi.project(), portalApi.files()]);
  return { view, files };
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
  useTitle(state.status === 'ready' ? state.view.project.title : 'Open your project');

  const load = useCallback(async (whenUnauthorised: string | null) => {
    try {
      const { view, files } = await fetchPortal();
      setState({ status: 'ready', view, files });
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

  // Until live events arrive: ask again every REFRESH_MS while the tab is visible, and at once
  // when the client comes back to it, so a delivery or a payment shows without a reload.
  const ready = state.status === 'ready';
  const current = useRef<PortalView | null>(null);
  current.current = state.status === 'ready' ? state.view : null;
  useEffect(() => {
    if (!ready) return;
    let inFlight = false;
    async function refresh() {
      if (inFlight || document.visibilityState === 'hidden') return;
      inFlight = true;
      try {
        const { view, files } = await fetchPortal();
        const before = current.current;
        if (before !== null) {
          const said = news(before.milestones, view.milestones);
          if (said !== '') setAnnouncement(said);
        }
        setState((prev) => (prev.status === 'ready' ? { status: 'ready', view, files } : prev));
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
    const timer = window.setInterval(() => void refresh(), REFRESH_MS);
    const onFocus = () => void refresh();
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
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
