import { lazy, Suspense } from 'react';

const PortalInvoices = lazy(() => import('./PortalInvoices'));

/** The client's invoices, fetched after the portal's first screen (its JS budget is tight). */
export function PortalInvoicesLazy() {
  return (
    <Suspense fallback={null}>
      <PortalInvoices />
    </Suspense>
  );
}
