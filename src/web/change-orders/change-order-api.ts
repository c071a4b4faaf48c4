/** The HTTP calls behind change orders, for both parties, over the typed realms of api.ts. */
import { app, portal } from '../api';
import type { BodyOf, ResponseOf } from '../types';

export type ChangeOrder = ResponseOf<
  '/api/projects/{projectId}/change-orders',
  'get'
>['changeOrders'][number];
export type ProposeBody = BodyOf<'/api/projects/{projectId}/change-orders', 'post'>;
export type Change = ProposeBody['changes'][number];

export const changeOrderKeys = {
  project: (projectId: string) => ['projects', 'one', projectId, 'change-orders'] as const,
  portal: () => ['portal-change-orders'] as const,
};

export const changeOrderApi = {
  list: (projectId: string) =>
    app.send((c) =>
      c.GET('/api/projects/{projectId}/change-orders', { params: { path: { projectId } } }),
    ),
  propose: (projectId: string, body: ProposeBody) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/change-orders', { params: { path: { projectId } }, body }),
    ),
  withdraw: (projectId: string, orderId: string) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/change-orders/{orderId}/withdraw', {
        params: { path: { projectId, orderId } },
      }),
    ),
  portalList: () => portal.send((c) => c.GET('/api/portal/change-orders')),
  accept: (orderId: string, body: { fullName: string; sha256: string }) =>
    portal.send((c) =>
      c.POST('/api/portal/change-orders/{orderId}/accept', {
        params: { path: { orderId } },
        body,
      }),
    ),
  decline: (orderId: string, note: string) =>
    portal.send((c) =>
      c.POST('/api/portal/change-orders/{orderId}/decline', {
        params: { path: { orderId } },
        body: { note },
      }),
    ),
};
