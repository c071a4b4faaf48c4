import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { PortalView } from '../types';
import { contractApi, contractKeys, type ContractRecord } from './contract-api';

/** What the contract is made of, as the portal shows it: a change asks for the contract again. */
function stampOf(view: PortalView): string {
  return JSON.stringify([
    view.project.title,
    view.project.currency,
    view.milestones.map((m) => [m.id, m.title, m.deliverables, m.dueDate, m.amountMinor]),
  ]);
}

/** The client's contract: every version and whether the current one is accepted. */
export function usePortalContract(view: PortalView) {
  return useQuery({
    queryKey: contractKeys.portal(stampOf(view)),
    queryFn: contractApi.portal,
    placeholderData: keepPreviousData,
  });
}

/** true/false once known; undefined while the contract is still loading (or failed). */
export function isCurrentAccepted(record: ContractRecord | undefined): boolean | undefined {
  return record === undefined ? undefined : record.current.acceptedAt !== null;
}
