import { lazy, Suspense } from 'react';

const PortalChangeOrders = lazy(() => import('./PortalChangeOrders'));

/** Change orders in the portal, fetched after its first screen (its JS budget is tight). */
export function PortalChangeOrdersLazy(props: { currency: string; freelancer: string }) {
  return (
    <Suspense fallback={null}>
      <PortalChangeOrders {...props} />
    </Suspense>
  );
}
