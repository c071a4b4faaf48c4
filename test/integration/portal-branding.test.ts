/**
 * The client's portal as the issue on experience asks (#9): every milestone's payment reference
 * (random, unique, made once, unchanged when milestones around it are removed, on the receipt),
 * offline payment instructions per project (the freelancer's by default), and the freelancer's
 * branding — display name, accent with a readable text colour, and a logo accepted only as PNG,
 * JPEG or WebP by its bytes, at most 512 KB, served back with its type and nosniff.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { png } from '../unit/pdf-samples';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectNoContent,
  expectStatus,
  milestoneInput,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
  type Actor,
} from './harness';
import { fetchPdf, offlinePayment, pdfText } from './payments-helpers';

const Reference = z.string().regex(/^MP-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
const WithReference = z.object({
  id: z.string(),
  position: z.number(),
  paymentReference: Reference,
});
const Detail = z.object({
  project: z.object({ paymentInstructions: z.string() }),
  milestones: z.array(WithReference),
});
const Brand = z.object({
  name: z.string(),
  accentColor: z.string().nullable(),
  accentTextColor: z.string().nullable(),
  logoUrl: z.string().nullable(),
});
const Portal = z.object({
  milestones: z.array(WithReference),
  brand: Brand,
  paymentInstructions: z.string().nullable(),
});
const Settings = z.object({
  brandName: z.string(),
  accentColor: z.string().nullable(),
  brand: Brand,
});

const baseSettings = {
  name: 'Ann Lee',
  businessName: 'Lee Studio',
  paymentInstructions: 'IBAN DE89 3704 0044 0532 0130 00, Lee Studio',
};

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1)]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([40, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(32, 2),
]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

function putLogo(actor: Actor, bytes: Buffer, contentType = 'image/png') {
  return fetch(`${actor.baseUrl}/api/settings/logo`, {
    method: 'PUT',
    headers: {
      cookie: actor.cookieHeader(),
      'x-csrf-token': actor.csrfToken ?? '',
      'content-type': contentType,
    },
    body: new Uint8Array(bytes),
  });
}

async function fetchRaw(actor: Actor, path: string) {
  const res = await fetch(actor.baseUrl + path, { headers: { cookie: actor.cookieHeader() } });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe.each(dialects)(
  'the client portal: references, instructions, branding on %s',
  SUITE_TIMEOUT,
  (dialect) => {
    const app = useApp(dialect);

    test('each milestone has a random, unique payment reference that survives removals and reaches the receipt', async () => {
      const freelancer = await signUp(app());
      const { project, milestones } = await setupProject(freelancer, {
        amounts: [100_00, 200_00, 300_00, 400_00],
      });
      const first = expectStatus(await freelancer.get(`/api/projects/${project.id}`), 200, Detail);
      const references = first.milestones.map((m) => m.paymentReference);
      expect(new Set(references).size).toBe(4);

      // Other projects never share one (unique across the installation).
      const others = await Promise.all(
        [0, 1, 2].map(() =>
          setupProject(freelancer, { amounts: Array(10).fill(10_00) as number[] }),
        ),
      );
      const all = new Set(references);
      for (const other of others) {
        const detail = expectStatus(
          await freelancer.get(`/api/projects/${other.project.id}`),
          200,
          Detail,
        );
        for (const m of detail.milestones) all.add(m.paymentReference);
      }
      expect(all.size).toBe(34);

      // Removing the second moves the later ones up a position; their references stay.
      expectNoContent(
        await freelancer.delete(`/api/projects/${project.id}/milestones/${milestones[1]?.id}`),
      );
      const added = expectStatus(
        await freelancer.post(`/api/projects/${project.id}/milestones`, {
          ...milestoneInput(5),
          amountMinor: 50_00,
        }),
        201,
        z.object({ milestone: WithReference }),
      ).milestone;
      const after = expectStatus(await freelancer.get(`/api/projects/${project.id}`), 200, Detail);
      const byId = new Map(first.milestones.map((m) => [m.id, m.paymentReference]));
      for (const m of after.milestones.filter((x) => x.id !== added.id)) {
        expect(m.paymentReference).toBe(byId.get(m.id));
      }
      expect(after.milestones.find((m) => m.id === milestones[2]?.id)?.position).toBe(2);
      expect(references).not.toContain(added.paymentReference);

      // The client sees the same references; the receipt prints the milestone's.
      const firstMilestone = milestones[0];
      if (!firstMilestone) throw new Error('no milestone');
      await deliver(freelancer, project.id, firstMilestone.id);
      const client = await openPortal(app(), { code: (await share(freelancer, project.id)).code });
      const portal = expectStatus(await client.get('/api/portal/project'), 200, Portal);
      expect(portal.milestones.map((m) => m.paymentReference)).toEqual(
        after.milestones.map((m) => m.paymentReference),
      );
      expectStatus(
        await offlinePayment(freelancer, project.id, firstMilestone.id, 100_00),
        201,
        z.unknown(),
      );
      const receipts = expectStatus(
        await freelancer.get(`/api/projects/${project.id}/receipts`),
        200,
        C.ReceiptList,
      ).receipts;
      const pdf = await fetchPdf(freelancer, `/api/receipts/${receipts[0]?.id}/pdf`);
      expect(await pdfText(pdf.bytes)).toContain(`Payment reference: ${references[0]}`);

      // The freelancer's logo heads the receipt once set (PNG and JPEG; a WebP one is left out).
      const images = (bytes: Buffer) =>
        bytes.toString('latin1').split('/Subtype /Image').length - 1;
      expect(images(pdf.bytes)).toBe(0);
      expect((await putLogo(freelancer, png())).status).toBe(200);
      const withLogo = await fetchPdf(freelancer, `/api/receipts/${receipts[0]?.id}/pdf`);
      expect(images(withLogo.bytes)).toBe(1);
      expect(await pdfText(withLogo.bytes)).toContain(`Payment reference: ${references[0]}`);
      const forClient = await fetchPdf(client, `/api/portal/receipts/${receipts[0]?.id}/pdf`);
      expect(images(forClient.bytes)).toBe(1);
      expect((await putLogo(freelancer, WEBP)).status).toBe(200);
      const webp = await fetchPdf(freelancer, `/api/receipts/${receipts[0]?.id}/pdf`);
      expect(webp.status).toBe(200);
      expect(images(webp.bytes)).toBe(0);
    });

    test("offline instructions: the freelancer's by default, the project's when set, shown only when something is to pay", async () => {
      const freelancer = await signUp(app());
      expectStatus(await freelancer.put('/api/settings', baseSettings), 200, Settings);
      const { project, milestones } = await setupProject(freelancer);
      const client = await openPortal(app(), { code: (await share(freelancer, project.id)).code });
      expect(
        expectStatus(await client.get('/api/portal/project'), 200, Portal).paymentInstructions,
      ).toBeNull();

      await deliver(freelancer, project.id, milestones[0]?.id ?? '');
      expect(
        expectStatus(await client.get('/api/portal/project'), 200, Portal).paymentInstructions,
      ).toBe(baseSettings.paymentInstructions);

      const own = 'Pay to IBAN GB33 BUKB 2020 1555 5555 55\nMention the reference.';
      const patched = expectStatus(
        await freelancer.patch(`/api/projects/${project.id}`, { paymentInstructions: own }),
        200,
        z.object({ project: z.object({ paymentInstructions: z.string() }) }),
      );
      expect(patched.project.paymentInstructions).toBe(own);
      expect(
        expectStatus(await client.get('/api/portal/project'), 200, Portal).paymentInstructions,
      ).toBe(own);

      expectStatus(
        await freelancer.patch(`/api/projects/${project.id}`, { paymentInstructions: '' }),
        200,
        z.unknown(),
      );
      expect(
        expectStatus(await client.get('/api/portal/project'), 200, Portal).paymentInstructions,
      ).toBe(baseSettings.paymentInstructions);
      expectError(
        await freelancer.patch(`/api/projects/${project.id}`, {
          paymentInstructions: 'IBAN\u0000',
        }),
        { status: 400, field: 'paymentInstructions' },
      );
    });

    test('display name and accent colour: validated, with a readable text colour, shown in the portal', async () => {
      const freelancer = await signUp(app());
      const { project } = await setupProject(freelancer);
      const client = await openPortal(app(), { code: (await share(freelancer, project.id)).code });
      const initial = expectStatus(await client.get('/api/portal/project'), 200, Portal).brand;
      expect(initial).toEqual({
        name: 'Fiona Freelancer',
        accentColor: null,
        accentTextColor: null,
        logoUrl: null,
      });

      expectStatus(await freelancer.put('/api/settings', baseSettings), 200, Settings);
      expect(expectStatus(await client.get('/api/portal/project'), 200, Portal).brand.name).toBe(
        'Lee Studio',
      );

      const yellow = expectStatus(
        await freelancer.put('/api/settings', {
          ...baseSettings,
          brandName: 'Lee Design',
          accentColor: '#FFD400',
        }),
        200,
        Settings,
      );
      expect(yellow.accentColor).toBe('#ffd400');
      expect(yellow.brand).toMatchObject({ name: 'Lee Design', accentTextColor: '#000000' });
      const navy = expectStatus(
        await freelancer.put('/api/settings', { ...baseSettings, accentColor: '#1a2b8c' }),
        200,
        Settings,
      );
      expect(navy.brandName).toBe('Lee Design');
      expect(navy.brand.accentTextColor).toBe('#ffffff');
      expect(
        expectStatus(await client.get('/api/portal/project'), 200, Portal).brand,
      ).toMatchObject({
        name: 'Lee Design',
        accentColor: '#1a2b8c',
        accentTextColor: '#ffffff',
      });

      for (const bad of ['red', '#12345', '#12345g', 'url(x)']) {
        expectError(await freelancer.put('/api/settings', { ...baseSettings, accentColor: bad }), {
          status: 400,
          field: 'accentColor',
        });
      }
      expectError(
        await freelancer.put('/api/settings', { ...baseSettings, brandName: 'A\u0007B' }),
        {
          status: 400,
          field: 'brandName',
        },
      );
      const cleared = expectStatus(
        await freelancer.put('/api/settings', {
          ...baseSettings,
          brandName: '',
          accentColor: null,
        }),
        200,
        Settings,
      );
      expect(cleared.brand).toMatchObject({
        name: 'Lee Studio',
        accentColor: null,
        accentTextColor: null,
      });
    });

    test('the logo: PNG, JPEG or WebP by its bytes, at most 512 KB, served with its type and nosniff to the freelancer and their clients', async () => {
      const freelancer = await signUp(app());
      const { project } = await setupProject(freelancer);
      const client = await openPortal(app(), { code: (await share(freelancer, project.id)).code });
      expect((await fetchRaw(client, '/api/portal/logo')).res.status).toBe(404);

      for (const [bytes, type] of [
        [png(), 'image/png'],
        [JPEG, 'image/jpeg'],
        [WEBP, 'image/webp'],
      ] as const) {
        // The claimed type does not matter; the bytes do.
        const res = await putLogo(freelancer, bytes, 'application/octet-stream');
        expect(res.status).toBe(200);
        const settings = Settings.parse(await res.json());
        expect(settings.brand.logoUrl).toMatch(/^\/api\/settings\/logo\?v=[0-9a-f]{16}$/);
        for (const [actor, path] of [
          [freelancer, settings.brand.logoUrl ?? ''],
          [
            client,
            expectStatus(await client.get('/api/portal/project'), 200, Portal).brand.logoUrl ?? '',
          ],
        ] as const) {
          expect(path).not.toBe('');
          const { res: got, bytes: served } = await fetchRaw(actor, path);
          expect(got.status).toBe(200);
          expect(got.headers.get('content-type')).toBe(type);
          expect(got.headers.get('x-content-type-options')).toBe('nosniff');
          expect(got.headers.get('content-security-policy')).toContain("default-src 'none'");
          expect(served.equals(bytes)).toBe(true);
        }
      }

      const refusals: [Buffer, string, number][] = [
        [GIF, 'image/png', 415],
        [SVG, 'image/png', 415],
        [Buffer.from('not an image at all'), 'image/jpeg', 415],
        [Buffer.alloc(0), 'image/png', 400],
        [png(512 * 1024), 'image/png', 413],
        [png(1536 * 1024), 'image/png', 413],
      ];
      for (const [bytes, contentType, status] of refusals) {
        const res = await putLogo(freelancer, bytes, contentType);
        expect(res.status, `${bytes.length} bytes`).toBe(status);
        const body = C.ErrorBody.parse(await res.json());
        if (status !== 413 || bytes.length < 1024 * 1024) expect(body.error.field).toBe('logo');
      }
      // The last good logo stands; a PNG just under the limit is taken.
      expect((await fetchRaw(client, '/api/portal/logo')).bytes.equals(WEBP)).toBe(true);
      expect((await putLogo(freelancer, png(512 * 1024 - 200))).status).toBe(200);

      // Only a signed-in freelancer sets it, with the CSRF token.
      const noCsrf = await fetch(`${freelancer.baseUrl}/api/settings/logo`, {
        method: 'PUT',
        headers: { cookie: freelancer.cookieHeader(), 'content-type': 'image/png' },
        body: new Uint8Array(png()),
      });
      expect(noCsrf.status).toBe(403);

      expectNoContent(await freelancer.delete('/api/settings/logo'));
      expect((await fetchRaw(client, '/api/portal/logo')).res.status).toBe(404);
      expect(
        expectStatus(await client.get('/api/portal/project'), 200, Portal).brand.logoUrl,
      ).toBeNull();
    });
  },
);
