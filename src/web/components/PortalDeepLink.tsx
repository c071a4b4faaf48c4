import { useEffect, useRef, useState } from 'react';
import type { DeliverableFile, Milestone, PortalView } from '../types';

/**
 * Where a link into the portal points. Mail links to `/portal/milestones/<id>` (pay for it, or
 * download its files once paid); a hash names a place: `#pay`, `#files`, `#terms`, `#receipts`,
 * `#milestone-<id>`, `#pay-<id>`, `#files-<id>`.
 */
export type PortalTarget =
  | { kind: 'milestone'; id: string; want: 'auto' | 'pay' | 'files' | 'card' }
  | { kind: 'pay' }
  | { kind: 'files' }
  | { kind: 'terms' }
  | { kind: 'receipts' };

export function parsePortalTarget(pathname: string, hash: string): PortalTarget | null {
  const path = /^\/portal\/milestones\/([^/]+)\/?(pay|files)?\/?$/.exec(pathname);
  if (path?.[1] !== undefined) {
    const want = path[2] === 'pay' ? 'pay' : path[2] === 'files' ? 'files' : 'auto';
    return { kind: 'milestone', id: decodeURIComponent(path[1]), want };
  }
  const place = hash.replace(/^#/, '');
  if (place === 'pay' || place === 'files' || place === 'terms' || place === 'receipts')
    return { kind: place };
  const named = /^(milestone|pay|files)-([\w-]+)$/.exec(place);
  if (named?.[1] !== undefined && named[2] !== undefined) {
    const want = named[1] === 'pay' ? 'pay' : named[1] === 'files' ? 'files' : 'card';
    return { kind: 'milestone', id: named[2], want };
  }
  return null;
}

const isDue = (m: Milestone) => m.status === 'delivered' && m.outstandingMinor > 0;

/** The element id the target lands on, given what the project holds now. */
export function targetElementId(
  target: PortalTarget,
  view: PortalView,
  files: readonly DeliverableFile[],
): string {
  const milestones = [...view.milestones].sort((a, b) => a.position - b.position);
  const archived = view.project.archivedAt !== null;
  const hasFiles = (m: Milestone) => files.some((f) => f.milestoneId === m.id);
  switch (target.kind) {
    case 'pay': {
      const due = archived ? undefined : milestones.find(isDue);
      return due ? `pay-${due.id}` : 'portal-next';
    }
    case 'files': {
      const latest = [...milestones].reverse().find((m) => m.status === 'paid' && hasFiles(m));
      const delivered = [...milestones].reverse().find((m) => hasFiles(m));
      const m = latest ?? delivered;
      return m ? `files-${m.id}` : 'portal-milestones-heading';
    }
    case 'terms':
      return 'terms-heading';
    case 'receipts':
      return 'portal-receipts-heading';
    case 'milestone': {
      const m = milestones.find((x) => x.id === target.id);
      if (m === undefined) return 'portal-next';
      const payable = isDue(m) && !archived;
      if ((target.want === 'auto' || target.want === 'pay') && payable) return `pay-${m.id}`;
      if ((target.want === 'auto' || target.want === 'files') && hasFiles(m))
        return `files-${m.id}`;
      return `milestone-${m.id}`;
    }
  }
}

/**
 * Once the project has loaded, scrolls to and focuses the place the link named (once per page
 * load). The target is read when the page opens, before the link's token leaves the address bar.
 */
export function usePortalDeepLink(
  view: PortalView | null,
  files: readonly DeliverableFile[] | null,
): void {
  const target = useRef<PortalTarget | null | undefined>(undefined);
  if (target.current === undefined)
    target.current = parsePortalTarget(window.location.pathname, window.location.hash);
  const done = useRef(false);
  // A link to another place on the page already open (only the hash changes) lands there too.
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    function onHashChange() {
      const next = parsePortalTarget('', window.location.hash);
      if (next === null) return;
      target.current = next;
      done.current = false;
      setAsked((n) => n + 1);
    }
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  useEffect(() => {
    const wanted = target.current;
    if (done.current || wanted === null || wanted === undefined || view === null) return;
    if (files === null) return;
    done.current = true;
    const element = document.getElementById(targetElementId(wanted, view, files));
    if (element === null) return;
    element.scrollIntoView({ block: 'start' });
    element.focus({ preventScroll: true });
  }, [view, files, asked]);
}
