/**
 * The client's own mail choices in the portal: one line mounts it (`<PortalMailChoices />`); the
 * section itself, its words and its calls are a chunk fetched after the portal shows, so the
 * portal's first download only carries this wrapper.
 */
import { lazy, Suspense } from 'react';

const ClientMailChoices = lazy(() =>
  import('./ClientMailChoices').then((m) => ({ default: m.ClientMailChoices })),
);

export function PortalMailChoices() {
  return (
    <Suspense fallback={null}>
      <ClientMailChoices />
    </Suspense>
  );
}
