import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useT } from '../i18n';
import { NAV, useNavLabel } from './nav';
import { ErrorBanner } from './Notice';

// The menus (Radix) load with the app's pages, never with the portal, which shares this file.
const HeaderMenus = lazy(() => import('./HeaderMenus'));

/**
 * The freelancer's frame: skip link, brand, navigation (a row of links on a wide screen, one
 * "Menu" button on a phone), the account menu (settings, log out), and the page in <main>.
 */
export function AppLayout({ children }: { children: ReactNode }) {
  const t = useT();
  const path = useLocation().pathname;
  const label = useNavLabel();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('workspace.nav.skip')}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/app" className="brand">
            Milepost
          </Link>
          <nav aria-label={t('workspace.nav.main')} className="nav-wide">
            <ul className="nav">
              {NAV.map((item) => (
                <li key={item.href}>
                  <Link to={item.href} aria-current={item.match(path) ? 'page' : undefined}>
                    {label(item.id)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="topbar-menus">
            <Suspense fallback={null}>
              <HeaderMenus path={path} onError={setError} />
            </Suspense>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="page">
        <ErrorBanner message={error} />
        {children}
      </main>
    </>
  );
}

/** The frame for pages outside the app: sign-up, log-in, the client portal. */
export function PlainLayout({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  return (
    <>
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">Milepost</span>
        </div>
      </header>
      <main id="main" tabIndex={-1} className={wide ? 'page' : 'page page-narrow'}>
        {children}
      </main>
    </>
  );
}
