import { lazy, Suspense, type ReactNode } from 'react';
import type { PortalView } from '../types';
import { PortalBrand, brandStyle } from './PortalSummary';

const PortalMenu = lazy(() => import('./PortalMenu'));

/**
 * The client's frame once a project is open: the freelancer's logo, name and accent colour in
 * the header (not Milepost's), the small menu beside it, and the page in <main>.
 */
export function PortalLayout({
  view,
  onLeave,
  children,
}: {
  view: PortalView;
  onLeave: () => Promise<void>;
  children: ReactNode;
}) {
  return (
    <div className="portal-frame" style={brandStyle(view)}>
      <header className="topbar portal-topbar">
        <div className="topbar-inner">
          <PortalBrand view={view} />
          <div className="topbar-menus">
            <Suspense fallback={null}>
              <PortalMenu onLeave={onLeave} />
            </Suspense>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="page">
        {children}
      </main>
    </div>
  );
}
