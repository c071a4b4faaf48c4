import { lazy, Suspense } from 'react';
import type { Milestone, PortalView } from '../types';

const PortalContract = lazy(() => import('./PortalContract'));

/** The contract to review and accept, fetched after the portal's first screen. */
export function PortalContractLazy(props: { view: PortalView; milestones: Milestone[] }) {
  return (
    <Suspense fallback={null}>
      <PortalContract {...props} />
    </Suspense>
  );
}
