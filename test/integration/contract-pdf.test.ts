/**
 * Each accepted contract version downloads as a PDF for both parties (issue #11): the exact text
 * and the acceptance block — typed name, time, IP, user agent and the SHA-256 of the text — read
 * back from the PDF. A version not accepted has no PDF; another project's version is not found.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
} from './harness';
import { fetchPdf, pdfText } from './payments-helpers';

const Version = z.object({
  id: z.string(),
  version: z.number().int(),
  sha256: z.string(),
  text: z.string(),
  acceptedAt: z.string().nullable(),
});
const Record_ = z.object({ current: Version, versions: z.array(Version) });
const UA = 'Mozilla/5.0 (contract pdf test) Milepost/1';
/** pdf-parse may break long lines; compare without whitespace. */
const squash = (s: string) => s.replace(/\s+/g, '');

describe.each(dialects)('contract PDFs on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  async function shared(title: string) {
    const freelancer = await signUp(app());
    const fixture = await setupProject(freelancer, { amounts: [240_050, 390_000], title });
    const client = await openPortal(app(), {
      code: (await share(freelancer, fixture.project.id)).code,
    });
    return { ...fixture, freelancer, client };
  }

  test('an accepted version prints its text and the acceptance block, for both parties', async () => {
    const p = await shared('Ünïcode Brand refresh');
    const { current } = expectStatus(await p.client.get('/api/portal/contract'), 200, Record_);
    // Before acceptance: no PDF.
    expectError(await p.client.get(`/api/portal/contract/versions/${current.id}/pdf`), {
      status: 409,
      code: 'CONFLICT',
    });
    expectStatus(
      await p.client.post(
        '/api/portal/contract/accept',
        { fullName: 'Łukasz Żółć', sha256: current.sha256 },
        { headers: { 'user-agent': UA } },
      ),
      200,
      z.unknown(),
    );
    const portal = await fetchPdf(p.client, `/api/portal/contract/versions/${current.id}/pdf`);
    const own = await fetchPdf(
      p.freelancer,
      `/api/projects/${p.project.id}/contract/versions/${current.id}/pdf`,
    );
    for (const file of [portal, own]) {
      expect(file.status).toBe(200);
      expect(file.type).toBe('application/pdf');
      expect(file.disposition).toContain('contract-v1.pdf');
      const text = await pdfText(file.bytes);
      expect(text).toContain('Contract version 1: Ünïcode Brand refresh');
      expect(text).toContain('Łukasz Żółć');
      expect(text).toContain('€2,400.50');
      expect(text).toContain('Acceptance');
      expect(squash(text)).toContain(current.sha256);
      expect(squash(text)).toContain(squash(UA));
      expect(text).toMatch(/127\.0\.0\.1|::1/);
      expect(text).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      // Every line of the accepted text is in the PDF.
      for (const line of current.text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(0, 12))
        expect(squash(text)).toContain(squash(line));
    }
  });

  test("another project's version is not found, by either party", async () => {
    const a = await shared('Project A');
    const b = await shared('Project B');
    const { current } = expectStatus(await b.client.get('/api/portal/contract'), 200, Record_);
    expectStatus(
      await b.client.post('/api/portal/contract/accept', {
        fullName: 'B Client',
        sha256: current.sha256,
      }),
      200,
      z.unknown(),
    );
    expectError(await a.client.get(`/api/portal/contract/versions/${current.id}/pdf`), {
      status: 404,
    });
    expectError(
      await a.freelancer.get(`/api/projects/${a.project.id}/contract/versions/${current.id}/pdf`),
      { status: 404 },
    );
    expectError(
      await a.freelancer.get(`/api/projects/${b.project.id}/contract/versions/${current.id}/pdf`),
      { status: 404 },
    );
  });
});
