import { lazy, Suspense, type ComponentProps } from 'react';

const Portal = lazy(() =>
  import('./DisputePanel').then((m) => ({ default: m.PortalDisputePanel })),
);
const App = lazy(() => import('./DisputePanel').then((m) => ({ default: m.AppDisputePanel })));

type PortalProps = ComponentProps<typeof import('./DisputePanel').PortalDisputePanel>;
type AppProps = ComponentProps<typeof import('./DisputePanel').AppDisputePanel>;

/** The client's dispute panel, fetched after the portal's first screen (its JS budget is tight). */
export function PortalDisputeLazy(props: PortalProps) {
  return (
    <Suspense fallback={null}>
      <Portal {...props} />
    </Suspense>
  );
}

/** The freelancer's dispute panel on a milestone of the project page. */
export function AppDisputeLazy(props: AppProps) {
  return (
    <Suspense fallback={null}>
      <App {...props} />
    </Suspense>
  );
}
