import { useEffect, useRef, type ReactNode } from 'react';
import { AuthProvider, useAuth } from './auth';
import { AppLayout, PlainLayout } from './components/AppLayout';
import { ErrorBanner, Loading } from './components/Notice';
import { ClientsPage } from './pages/ClientsPage';
import { DashboardPage } from './pages/DashboardPage';
import { LoginPage, SignupPage } from './pages/AuthPages';
import { NotFoundPage } from './pages/NotFoundPage';
import { PortalPage } from './pages/PortalPage';
import { ProjectBuilderPage } from './pages/ProjectBuilderPage';
import { ProjectPage } from './pages/ProjectPage';
import { ReceiptsPage } from './pages/ReceiptsPage';
import { SettingsPage } from './pages/SettingsPage';
import { matchPath, Redirect, usePath } from './router';

export function App() {
  const path = usePath();
  useFocusOnNavigate(path);
  if (path === '/portal' || path.startsWith('/portal/')) return <PortalPage />;
  return (
    <AuthProvider>
      <FreelancerRoutes path={path} />
    </AuthProvider>
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

function FreelancerRoutes({ path }: { path: string }) {
  const { state } = useAuth();
  if (state.status === 'loading') {
    return (
      <PlainLayout>
        <Loading what="Milepost" />
      </PlainLayout>
    );
  }
  if (path === '/') return <Redirect to={state.status === 'in' ? '/app' : '/login'} />;
  if (path === '/login' || path === '/signup') {
    if (state.status === 'in') return <Redirect to="/app" />;
    return path === '/login' ? <LoginPage /> : <SignupPage />;
  }
  if (path === '/app' || path.startsWith('/app/')) {
    if (state.status === 'out') {
      return (
        <PlainLayout>
          <ErrorBanner message={state.error} />
          <Redirect to="/login" />
        </PlainLayout>
      );
    }
    return <AppLayout>{appPage(path)}</AppLayout>;
  }
  return (
    <PlainLayout>
      <NotFoundPage />
    </PlainLayout>
  );
}

function appPage(path: string): ReactNode {
  if (path === '/app' || path === '/app/') return <DashboardPage />;
  if (matchPath('/app/clients', path)) return <ClientsPage />;
  if (matchPath('/app/receipts', path)) return <ReceiptsPage />;
  if (matchPath('/app/settings', path)) return <SettingsPage />;
  if (matchPath('/app/projects/new', path)) return <ProjectBuilderPage />;
  const project = matchPath('/app/projects/:id', path);
  if (project?.id) return <ProjectPage key={project.id} projectId={project.id} />;
  return <NotFoundPage />;
}
