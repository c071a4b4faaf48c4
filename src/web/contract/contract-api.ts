/**
 * The contract's HTTP calls for both parties (issue #11): every version with its acceptances, and
 * the client's acceptance (typed full name and the SHA-256 of the text they read).
 */
import { app, portal } from '../api';
import type { ResponseOf } from '../types';

export type ContractRecord = ResponseOf<'/api/portal/contract', 'get'>;
export type ContractVersion = ContractRecord['versions'][number];

export const contractApi = {
  portal: () => portal.send((c) => c.GET('/api/portal/contract')),
  accept: (body: { fullName: string; sha256: string }) =>
    portal.send((c) => c.POST('/api/portal/contract/accept', { body })),
  project: (projectId: string) =>
    app.send((c) =>
      c.GET('/api/projects/{projectId}/contract', { params: { path: { projectId } } }),
    ),
};

export const contractKeys = {
  /** Under the portal's key: whatever refreshes the portal refreshes the contract too. */
  portal: (stamp: string) => ['portal', 'contract', stamp] as const,
  /** Under the project's key: refreshed with the project after any change to it. */
  project: (projectId: string) => ['projects', 'one', projectId, 'contract'] as const,
};
