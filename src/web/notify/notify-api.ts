/**
 * Notification mail choices over HTTP, for every side: the unsubscribe link's page (no login —
 * the signed token is the permission), the freelancer's settings and per-project reminders (the
 * app's session) and the client's own choices (the portal's session). Query keys live here too,
 * so a change refreshes exactly what it touched. Kept apart from api.ts so the portal's first
 * download does not carry it.
 */
import { app, portal } from '../api';
import type { BodyOf, ResponseOf } from '../types';

export type Subscription = ResponseOf<'/api/unsubscribe/{token}', 'get'>;
export type FreelancerNotifications = ResponseOf<'/api/settings/notifications', 'get'>;
export type FreelancerNotificationsInput = BodyOf<'/api/settings/notifications', 'put'>;
export type ClientNotifications = ResponseOf<'/api/portal/notifications', 'get'>;
export type ProjectReminders = ResponseOf<'/api/projects/{projectId}/reminders', 'get'>;
export type FreelancerMailKind = keyof FreelancerNotifications['mail'];
export type ClientMailKind = keyof ClientNotifications['mail'];

/** In the order they are listed on screen. */
export const FREELANCER_KINDS: readonly FreelancerMailKind[] = [
  'client_visit',
  'terms_accepted',
  'payment',
  'downloads',
  'messages',
];
export const CLIENT_KINDS: readonly ClientMailKind[] = [
  'uploads',
  'delivery',
  'reminders',
  'messages',
];

const tokenPath = (token: string) => ({ params: { path: { token } } });
const projectPath = (projectId: string) => ({ params: { path: { projectId } } });

export const notifyApi = {
  subscription: (token: string) =>
    app.send((c) => c.GET('/api/unsubscribe/{token}', tokenPath(token))),
  unsubscribe: (token: string) =>
    app.send((c) => c.POST('/api/unsubscribe/{token}', tokenPath(token))),
  resubscribe: (token: string) =>
    app.send((c) => c.POST('/api/unsubscribe/{token}/resubscribe', tokenPath(token))),
  freelancer: () => app.send((c) => c.GET('/api/settings/notifications')),
  saveFreelancer: (body: FreelancerNotificationsInput) =>
    app.send((c) => c.PUT('/api/settings/notifications', { body })),
  reminders: (projectId: string) =>
    app.send((c) => c.GET('/api/projects/{projectId}/reminders', projectPath(projectId))),
  saveReminders: (projectId: string, body: { paused: boolean; days: number[] | null }) =>
    app.send((c) =>
      c.PUT('/api/projects/{projectId}/reminders', { ...projectPath(projectId), body }),
    ),
  client: () => portal.send((c) => c.GET('/api/portal/notifications')),
  saveClient: (mail: Partial<ClientNotifications['mail']>) =>
    portal.send((c) => c.PUT('/api/portal/notifications', { body: { mail } })),
};

export const notifyKeys = {
  subscription: (token: string) => ['unsubscribe', token] as const,
  freelancer: () => ['settings', 'notifications'] as const,
  reminders: (projectId: string) => ['projects', 'one', projectId, 'reminders'] as const,
  client: () => ['portal', 'notifications'] as const,
};

// Plain option objects (what queryOptions() would return), and no useMutation in these screens:
// either makes the bundler split TanStack's shared code into a chunk of its own that the portal
// then loads up front (measured: +0.4 KB gzipped).
export const notifyQueries = {
  subscription: (token: string) => ({
    queryKey: notifyKeys.subscription(token),
    queryFn: () => notifyApi.subscription(token),
  }),
  freelancer: () => ({ queryKey: notifyKeys.freelancer(), queryFn: () => notifyApi.freelancer() }),
  reminders: (projectId: string) => ({
    queryKey: notifyKeys.reminders(projectId),
    queryFn: () => notifyApi.reminders(projectId),
  }),
  client: () => ({ queryKey: notifyKeys.client(), queryFn: () => notifyApi.client() }),
};
