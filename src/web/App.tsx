/**
 * The web app's routes (React Router, data mode). The client portal and the freelancer's app
 * share only the shell: the freelancer's pages load lazily, so the portal never downloads them.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  ScrollRestoration,
  useLocation,
  useParams,
  type RouteObject,
} from 'react-router';
import { AuthProvider, useAuth } from './auth';
import { AppLayout, PlainLayout } from './components/AppLayout';
import { ErrorBanner, Loading } from './components/Notice';
import { NotFoundPage } from './pages/NotFoundPage';
import { AppMessages, useT } from './i18n';

/** The frame around every route: focus and scroll follow in-app navigation. */
function Root() {
  useFocusOnNavigate(useLocation().pathname);
  return (
    <>
      <Outlet />
      <ScrollRestoration />
    </>
  );
}

/** After an in-app navigation, move focus to the new page so screen readers start there. */
function useFocusOnNavigate(path: string) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
}

/** The freelancer's routes wait for the session; the portal's never ask for it. */
function WithSession() {
  return (
    <AuthProvider>
      <SessionGate>
        <AppMessages>
          <Outlet />
        </AppMessages>
      </SessionGate>
    </AuthProvider>
  );
}

function SessionGate({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const t = useT();
  if (state.status === 'loading') {
    return (
      <PlainLayout>
        <Loading what={t('common.milepost')} />
      </PlainLayout>
    );
  }
  return children;
}

function Home() {
  const { state } = useAuth();
  return <Navigate to={state.status === 'in' ? '/app' : '/login'} replace />;
}

/** Log-in and sign-up: someone already logged in goes straight to the app. */
function GuestOnly() {
  const { state } = useAuth();
  return state.status === 'in' ? <Navigate to="/app" replace /> : <Outlet />;
}

function RequireSession() {
  const { state } = useAuth();
  if (state.status === 'out') {
    return (
      <PlainLayout>
        <ErrorBanner message={state.error} />
        <Navigate to="/login" replace />
      </PlainLayout>
    );
  }
  return (
    <AppLayout>
      <Outlet />
    </AppLayout>
  );
}

function ProjectRoute({ Page }: { Page: typeof import('./pages/ProjectPage').ProjectPage }) {
  const { projectId = '' } = useParams();
  return <Page key={projectId} projectId={projectId} />;
}

function NotFound() {
  return (
    <PlainLayout>
      <NotFoundPage />
    </PlainLayout>
  );
}

export const routes: RouteObject[] = [
  {
    element: <Root />,
    HydrateFallback: () => null,
    children: [
      {
        path: '/portal/*',
        lazy: async () => ({ Component: (await import('./pages/PortalPage')).PortalPage }),
      },
      {
        // A mail's unsubscribe link: for the client and the freelancer alike, with no session.
        path: '/unsubscribe/:token',
        lazy: async () => ({
          Component: (await import('./notify/UnsubscribePage')).UnsubscribePage,
        }),
      },
      {
        element: <WithSession />,
        children: [
          { path: '/', element: <Home /> },
          {
            element: <GuestOnly />,
            children: [
              {
                path: '/login',
                lazy: async () => ({ Component: (await import('./pages/AuthPages')).LoginPage }),
              },
              {
                path: '/signup',
                lazy: async () => ({ Component: (await import('./pages/AuthPages')).SignupPage }),
              },
              {
                path: '/forgot-password',
                lazy: async () => ({
                  Component: (await import('./pages/AuthPages')).ForgotPasswordPage,
                }),
              },
            ],
          },
          {
            // Also for someone logged in elsewhere on this device: the link sets a new password.
            path: '/reset-password',
            lazy: async () => ({
              Component: (await import('./pages/AuthPages')).ResetPasswordPage,
            }),
          },
          {
            path: '/app',
            element: <RequireSession />,
            children: [
              {
                index: true,
                lazy: async () => ({
                  Component: (await import('./pages/DashboardPage')).DashboardPage,
                }),
              },
              {
                path: 'clients',
                lazy: async () => ({
                  Component: (await import('./pages/ClientsPage')).ClientsPage,
                }),
              },
              {
                path: 'receipts',
                lazy: async () => ({
                  Component: (await import('./pages/ReceiptsPage')).ReceiptsPage,
                }),
              },
              {
                path: 'analytics',
                lazy: async () => ({
                  Component: (await import('./analytics/AnalyticsPage')).AnalyticsPage,
                }),
              },
              {
                path: 'settings',
                lazy: async () => ({
                  Component: (await import('./pages/SettingsPage')).SettingsPage,
                }),
              },
              {
                path: 'projects/new',
                lazy: async () => ({
                  Component: (await import('./pages/ProjectBuilderPage')).ProjectBuilderPage,
                }),
              },
              {
                path: 'projects/:projectId',
                lazy: async () => {
                  const { ProjectPage } = await import('./pages/ProjectPage');
                  return { Component: () => <ProjectRoute Page={ProjectPage} /> };
                },
              },
              { path: '*', Component: NotFoundPage },
            ],
          },
          { path: '*', Component: NotFound },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
