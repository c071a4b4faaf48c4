import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';

const NAV = [
  {
    href: '/app',
    label: 'Projects',
    match: (p: string) =>
      p === '/app' || (p.startsWith('/app/projects/') && p !== '/app/projects/new'),
  },
  {
    href: '/app/projects/new',
    label: 'New project',
    match: (p: string) => p === '/app/projects/new',
  },
  { href: '/app/clients', label: 'Clients', match: (p: string) => p.startsWith('/app/clients') },
  {
    href: '/app/receipts',
    label: 'Receipts',
    match: (p: string) => p.startsWith('/app/receipts'),
  },
  { href: '/app/settings', label: 'Settings', match: (p: string) => p.startsWith('/app/settings') },
];

/** The freelancer's frame: skip link, brand, navigation, and the page in <main>. */
export function AppLayout({ children }: { children: ReactNode }) {
  const path = useLocation().pathname;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/app" className="brand">
            Milepost
          </Link>
          <nav aria-label="Main">
            <ul className="nav">
              {NAV.map((item) => (
                <li key={item.href}>
                  <Link to={item.href} aria-current={item.match(path) ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="page">
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
