/** The HTTP calls behind disputes, for both parties, over the typed realms of api.ts. */
import { app, portal } from '../api';
import type { BodyOf, ResponseOf } from '../types';

export type DisputeList = ResponseOf<'/api/portal/disputes', 'get'>;
export type Dispute = DisputeList['disputes'][number];
export type DisputeStep = BodyOf<'/api/portal/disputes/{disputeId}/steps', 'post'>;
export type Resolution = NonNullable<Dispute['resolution']>;
/** What a statement cites: ids of the project's chat messages and files. */
export type Evidence = { messageIds: string[]; fileIds: string[] };

export const disputeKeys = {
  project: (projectId: string) => ['projects', 'one', projectId, 'disputes'] as const,
};

/** One realm's calls: the freelancer's (on a project) or the client's (their project). */
export interface DisputeCalls {
  open: (milestoneId: string, statement: string, evidence: Evidence) => Promise<unknown>;
  step: (disputeId: string, body: DisputeStep) => Promise<unknown>;
}

export const appDisputes = (projectId: string) => ({
  list: () =>
    app.send((c) =>
      c.GET('/api/projects/{projectId}/disputes', { params: { path: { projectId } } }),
    ),
  open: (milestoneId: string, statement: string, evidence: Evidence) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/disputes', {
        params: { path: { projectId } },
        body: { milestoneId, statement, evidence },
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
  open: (milestoneId, statement, evidence) =>
    portal.send((c) =>
      c.POST('/api/portal/disputes', { body: { milestoneId, statement, evidence } }),
    ),
  step: (disputeId, body) =>
    portal.send((c) =>
      c.POST('/api/portal/disputes/{disputeId}/steps', {
        params: { path: { disputeId } },
        body,
      }),
    ),
};
