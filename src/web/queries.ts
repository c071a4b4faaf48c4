/**
 * Server state through TanStack Query: every query key and every query the web app makes, in
 * one place, so a mutation (or, later, a live event) invalidates exactly what it changed.
 *
 * Keys are hierarchical: invalidating `keys.project(id)` refreshes that project's details,
 * activity, files and receipts at once.
 */
import { QueryClient, queryOptions } from '@tanstack/react-query';
import { api, type ApiError, portalApi } from './api';

declare module '@tanstack/react-query' {
  interface Register {
    // Every query function goes through api.ts, which throws only ApiError.
    defaultError: ApiError;
  }
}

export const keys = {
  clients: () => ['clients'] as const,
  clientList: (includeArchived: boolean) => ['clients', { includeArchived }] as const,
  projects: () => ['projects'] as const,
  attention: () => ['projects', 'attention'] as const,
  projectList: (includeArchived: boolean) => ['projects', 'list', { includeArchived }] as const,
  project: (projectId: string) => ['projects', 'one', projectId] as const,
  projectDetail: (projectId: string) => ['projects', 'one', projectId, 'detail'] as const,
  projectActivity: (projectId: string) => ['projects', 'one', projectId, 'activity'] as const,
  projectFiles: (projectId: string) => ['projects', 'one', projectId, 'files'] as const,
  projectReceipts: (projectId: string) => ['projects', 'one', projectId, 'receipts'] as const,
  receipts: () => ['receipts'] as const,
  settings: () => ['settings'] as const,
  profile: () => ['settings', 'profile'] as const,
  paymentSettings: () => ['settings', 'payments'] as const,
  mailOutbox: () => ['mail', 'outbox'] as const,
  portal: () => ['portal'] as const,
};

export const queries = {
  clients: (includeArchived: boolean) =>
    queryOptions({
      queryKey: keys.clientList(includeArchived),
      queryFn: () => api.listClients(includeArchived),
    }),
  projects: (includeArchived: boolean) =>
    queryOptions({
      queryKey: keys.projectList(includeArchived),
      queryFn: () => api.listProjects(includeArchived),
    }),
  /** The dashboard's "needs attention": overdue, waiting for payment, never shared. */
  attention: () => queryOptions({ queryKey: keys.attention(), queryFn: () => api.attention() }),
  project: (projectId: string) =>
    queryOptions({
      queryKey: keys.projectDetail(projectId),
      queryFn: () => api.getProject(projectId),
    }),
  /** The newest page of the activity record; older pages are asked for by the panel. */
  projectActivity: (projectId: string) =>
    queryOptions({
      queryKey: keys.projectActivity(projectId),
      queryFn: () => api.activity(projectId),
    }),
  projectFiles: (projectId: string) =>
    queryOptions({
      queryKey: keys.projectFiles(projectId),
      queryFn: () => api.listFiles(projectId),
    }),
  projectReceipts: (projectId: string) =>
    queryOptions({
      queryKey: keys.projectReceipts(projectId),
      queryFn: () => api.projectReceipts(projectId),
    }),
  receipts: () => queryOptions({ queryKey: keys.receipts(), queryFn: () => api.listReceipts() }),
  profile: () => queryOptions({ queryKey: keys.profile(), queryFn: () => api.getSettings() }),
  paymentSettings: () =>
    queryOptions({ queryKey: keys.paymentSettings(), queryFn: () => api.paymentSettings() }),
  mailOutbox: () => queryOptions({ queryKey: keys.mailOutbox(), queryFn: () => api.unsentMail() }),
  /** Everything the client's portal shows, asked for together. */
  portal: () =>
    queryOptions({
      queryKey: keys.portal(),
      queryFn: async () => {
        const [view, { files }, { receipts }, disputes] = await Promise.all([
          portalApi.project(),
          portalApi.files(),
          portalApi.receipts(),
          portalApi.disputes(),
        ]);
        return { view, files, receipts, disputes };
      },
    }),
};

/**
 * After anything that changes a project (milestones, payments, files, access, archive): its
 * own queries, the dashboard's list, and the receipts page, refetched before this resolves.
 */
export function invalidateProject(client: QueryClient, projectId: string): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: keys.project(projectId) }),
    client.invalidateQueries({ queryKey: keys.projectList(false).slice(0, 2) }),
    client.invalidateQueries({ queryKey: keys.attention() }),
    client.invalidateQueries({ queryKey: keys.receipts() }),
    client.invalidateQueries({ queryKey: keys.mailOutbox() }),
  ]).then(() => undefined);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A refusal (404, 401) is an answer, not a hiccup; the app says what went wrong at once.
        retry: false,
        // The app refetches after its own changes; the portal asks on focus itself.
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}
