import { lazy, Suspense } from 'react';
import type { Milestone } from '../types';

const PortalReview = lazy(() => import('./PortalReview'));

/** Approve / request a revision, fetched after the portal's first screen (its JS budget is tight). */
export function PortalReviewLazy(props: {
  milestone: Milestone;
  freelancer: string;
  onChanged: () => Promise<void>;
}) {
  return (
    <Suspense fallback={null}>
      <PortalReview {...props} />
    </Suspense>
  );
}
