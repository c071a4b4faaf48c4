/** The client's decisions on a delivered milestone, over the portal's typed realm (api.ts). */
import { portal } from '../api';

export const revisionsApi = {
  /** Approves a delivered milestone (paying approves it too). */
  approve: (milestoneId: string) =>
    portal.send((c) =>
      c.POST('/api/portal/milestones/{milestoneId}/approve', {
        params: { path: { milestoneId } },
      }),
    ),
  /** Asks for a revision with a note; past the included rounds: 409 REVISION_ROUNDS_USED. */
  requestRevision: (milestoneId: string, note: string) =>
    portal.send((c) =>
      c.POST('/api/portal/milestones/{milestoneId}/revisions', {
        params: { path: { milestoneId } },
        body: { note },
      }),
    ),
};
