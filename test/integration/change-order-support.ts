/** Shared steps of the contract lock and change order suites. */
import { z } from 'zod';
import { expectStatus, type Actor } from './harness';

const Current = z.object({ current: z.object({ sha256: z.string(), version: z.number() }) });

/** The client accepts the contract as it stands; returns the version accepted. */
export async function acceptCurrentContract(client: Actor, fullName = 'Bea Kraus') {
  const { current } = expectStatus(await client.get('/api/portal/contract'), 200, Current);
  expectStatus(
    await client.post('/api/portal/contract/accept', { fullName, sha256: current.sha256 }),
    200,
    z.unknown(),
  );
  return current;
}
