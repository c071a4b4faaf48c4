import { useT } from '../i18n';

export type NavId = 'projects' | 'newProject' | 'clients' | 'receipts' | 'analytics';

export const NAV: { id: NavId; href: string; match: (p: string) => boolean }[] = [
  {
    id: 'projects',
    href: '/app',
    match: (p) => p === '/app' || (p.startsWith('/app/projects/') && p !== '/app/projects/new'),
  },
  { id: 'newProject', href: '/app/projects/new', match: (p) => p === '/app/projects/new' },
  { id: 'clients', href: '/app/clients', match: (p) => p.startsWith('/app/clients') },
  { id: 'receipts', href: '/app/receipts', match: (p) => p.startsWith('/app/receipts') },
  { id: 'analytics', href: '/app/analytics', match: (p) => p.startsWith('/app/analytics') },
];

export function useNavLabel(): (id: NavId) => string {
  const t = useT();
  return (id) =>
    ({
      projects: t('workspace.nav.projects'),
      newProject: t('workspace.nav.newProject'),
      clients: t('workspace.nav.clients'),
      receipts: t('workspace.nav.receipts'),
      analytics: t('workspace.nav.analytics'),
    })[id];
}
