/** The HTTP calls behind disputes, for both parties, over the typed realms of api.ts. */
import { app, portal } from '../api';
import type { BodyOf, ResponseOf } from '../types';

export type DisputeList = ResponseOf<'/api/portal/disputes', 'get'>;
export type Dispute = DisputeList['disputes'][number];
export type DisputeStep = BodyOf<'/api/portal/disputes/{disputeId}/steps', 'post'>;
export type Resolution = NonNullable<Dispute['resolution']>;

export const disputeKeys = {
  project: (projectId: string) => ['projects', 'one', projectId, 'disputes'] as const,
};

/** One realm's calls: the freelancer's (on a project) or the client's (their project). */
export interface DisputeCalls {
  open: (milestoneId: string, statement: string, fileIds: string[]) => Promise<unknown>;
  step: (disputeId: string, body: DisputeStep) => Promise<unknown>;
}

export const appDisputes = (projectId: string) => ({
  list: () =>
    app.send((c) =>
      c.GET('/api/projects/{projectId}/disputes', { params: { path: { projectId } } }),
    ),
  open: (milestoneId: string, statement: string, fileIds: string[]) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/disputes', {
        params: { path: { projectId } },
        body: { milestoneId, statement, evidence: { messageIds: [], fileIds } },
      }),
    ),
  step: (disputeId: string, body: DisputeStep) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/disputes/{disputeId}/steps', {
        params: { path: { projectId, disputeId } },
        body,
      }),
    ),
});

export const portalDisputes: DisputeCalls = {
  open: (milestoneId, statement, fileIds) =>
    portal.send((c) =>
      c.POST('/api/portal/disputes', {
        body: { milestoneId, statement, evidence: { messageIds: [], fileIds } },
      }),
    ),
  step: (disputeId, body) =>
    portal.send((c) =>
      c.POST('/api/portal/disputes/{disputeId}/steps', {
        params: { path: { disputeId } },
        body,
      }),
    ),
};
