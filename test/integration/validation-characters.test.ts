/**
 * Characters no text field accepts: every endpoint that takes text refuses NUL and the other
 * control characters (tab and line breaks only in multi-line prose) with 400 naming the field,
 * on both databases — PostgreSQL cannot store a NUL and answered 500 — and writes nothing.
 * Bidirectional override characters are stripped from names and file names.
 */
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  PASSWORD,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  getProject,
  milestoneInput,
  ownerSnapshot,
  setupProject,
  share,
  signUp,
  uniqueEmail,
  useApp,
  type ApiResponse,
  type TestApp,
} from './harness';
import { FileView, createUploadRaw, listFiles, uploadMetadata, tusHeaders } from './files-helpers';

/** Refused everywhere: NUL, BEL, ESC, DEL and a C1 control (NEL). */
const ALWAYS_REFUSED = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085'];
/** Refused in one-line fields, kept in prose. */
const LINE_BREAKS_AND_TABS = ['\t', '\n', '\r'];
const RLO = '\u202e';
const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];

interface Fixture {
  freelancer: Actor;
  projectId: string;
  clientId: string;
  openMilestoneId: string;
}

/** One text field of one endpoint: `send(value)` puts `value` into that field. */
interface TextField {
  endpoint: string;
  field: string;
  kind: 'single-line' | 'multi-line';
  send(value: string): Promise<ApiResponse>;
}

function textFields(app: TestApp, f: Fixture): TextField[] {
  const { freelancer, projectId, clientId, openMilestoneId } = f;
  const anonymous = new Actor(app.url, 'anonymous');
  const signupBody = { email: uniqueEmail('nul'), password: PASSWORD, name: 'Nina' };
  const clientBody = { name: 'Clara', email: uniqueEmail('client'), company: 'Acme' };
  const projectBody = {
    clientId,
    title: 'Site',
    currency: 'EUR',
    projectType: 'Web',
    tags: ['web'],
    description: 'About it',
    milestones: [milestoneInput(0, { amountMinor: 100_00 })],
  };
  const milestonePath = `/api/projects/${projectId}/milestones/${openMilestoneId}`;
  const single = 'single-line' as const;
  const multi = 'multi-line' as const;
  return [
    ...(['email', 'password', 'name'] as const).map((field) => ({
      endpoint: 'POST /api/auth/signup',
      field,
      kind: single,
      send: (v: string) =>
        anonymous.post('/api/auth/signup', {
          ...signupBody,
          [field]: field === 'email' ? `nina${v}@example.test` : `${signupBody[field]}${v}`,
        }),
    })),
    {
      endpoint: 'POST /api/auth/login',
      field: 'email',
      kind: single,
      send: (v) =>
        anonymous.post('/api/auth/login', { email: `${freelancer.email}${v}`, password: PASSWORD }),
    },
    {
      endpoint: 'POST /api/auth/password',
      field: 'newPassword',
      kind: single,
      send: (v) =>
        freelancer.post('/api/auth/password', {
          currentPassword: PASSWORD,
          newPassword: `${PASSWORD}${v}`,
        }),
    },
    ...(['name', 'businessName'] as const).map((field) => ({
      endpoint: 'PUT /api/settings',
      field,
      kind: single,
      send: (v: string) =>
        freelancer.put('/api/settings', {
          name: 'Fiona',
          businessName: 'Studio',
          paymentInstructions: 'IBAN',
          [field]: `Text${v}`,
        }),
    })),
    {
      endpoint: 'PUT /api/settings',
      field: 'paymentInstructions',
      kind: multi,
      send: (v) =>
        freelancer.put('/api/settings', {
          name: 'Fiona',
          businessName: 'Studio',
          paymentInstructions: `IBAN${v}`,
        }),
    },
    ...(['name', 'email', 'company'] as const).flatMap((field) => [
      {
        endpoint: 'POST /api/clients',
        field,
        kind: single,
        send: (v: string) =>
          freelancer.post('/api/clients', {
            ...clientBody,
            [field]: field === 'email' ? `c${v}@example.test` : `${clientBody[field]}${v}`,
          }),
      },
      {
        endpoint: 'PATCH /api/clients/:id',
        field,
        kind: single,
        send: (v: string) =>
          freelancer.patch(`/api/clients/${clientId}`, {
            [field]: field === 'email' ? `c${v}@example.test` : `Text${v}`,
          }),
      },
    ]),
    ...(
      [
        ['title', single, (v: string) => ({ title: `Site${v}` })],
        ['projectType', single, (v: string) => ({ projectType: `Web${v}` })],
        ['tags.0', single, (v: string) => ({ tags: [`web${v}`] })],
        ['description', multi, (v: string) => ({ description: `About${v}` })],
      ] as const
    ).flatMap(([field, kind, change]) => [
      {
        endpoint: 'POST /api/projects',
        field,
        kind,
        send: (v: string) => freelancer.post('/api/projects', { ...projectBody, ...change(v) }),
      },
      {
        endpoint: 'PATCH /api/projects/:id',
        field,
        kind,
        send: (v: string) => freelancer.patch(`/api/projects/${projectId}`, change(v)),
      },
    ]),
    ...(
      [
        ['title', single],
        ['deliverables', multi],
      ] as const
    ).flatMap(([field, kind]) => [
      {
        endpoint: 'POST /api/projects (milestones)',
        field: `milestones.0.${field}`,
        kind,
        send: (v: string) =>
          freelancer.post('/api/projects', {
            ...projectBody,
            milestones: [milestoneInput(0, { amountMinor: 100_00, [field]: `Step${v}` })],
          }),
      },
      {
        endpoint: 'POST /api/projects/:id/milestones',
        field,
        kind,
        send: (v: string) =>
          freelancer.post(`/api/projects/${projectId}/milestones`, {
            ...milestoneInput(5, { amountMinor: 100_00 }),
            [field]: `Step${v}`,
          }),
      },
      {
        endpoint: 'PATCH /api/projects/:id/milestones/:id',
        field,
        kind,
        send: (v: string) => freelancer.patch(milestonePath, { [field]: `Step${v}` }),
      },
    ]),
    {
      endpoint: 'POST …/payments',
      field: 'reference',
      kind: single,
      send: (v) =>
        freelancer.post(`${milestonePath}/payments`, {
          amountMinor: 100,
          method: 'bank_transfer',
          reference: `INV${v}`,
          receivedOn: '2026-07-01',
        }),
    },
    {
      endpoint: 'POST …/refunds',
      field: 'reference',
      kind: single,
      send: (v) =>
        freelancer.post(`${milestonePath}/refunds`, {
          amountMinor: 100,
          reference: `R${v}`,
          refundedOn: '2026-07-01',
        }),
    },
    {
      endpoint: 'POST /api/portal/session',
      field: 'code',
      kind: single,
      send: (v) => anonymous.post('/api/portal/session', { code: `ABCD-EFGH-JKMN${v}` }),
    },
    {
      endpoint: 'POST /api/portal/session',
      field: 'token',
      kind: single,
      send: (v) => anonymous.post('/api/portal/session', { token: `abcdef${v}` }),
    },
    ...(['secretKey', 'webhookSecret'] as const).map((field) => ({
      endpoint: 'PUT /api/settings/stripe',
      field,
      kind: single,
      send: (v: string) =>
        freelancer.put('/api/settings/stripe', {
          secretKey: 'sk_test_abc',
          webhookSecret: 'whsec_abc',
          [field]: `${field === 'secretKey' ? 'sk_test_abc' : 'whsec_abc'}${v}`,
        }),
    })),
  ];
}

/** A tus creation request whose Upload-Metadata carries `value` in `field`. */
async function createUploadWith(
  app: TestApp,
  f: Fixture,
  fields: { filename?: string; filetype?: string },
): Promise<{ status: number; body: unknown; text: string }> {
  const res = await createUploadRaw(app, f.freelancer, {
    milestoneId: f.openMilestoneId,
    length: 3,
    ...fields,
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

const codePoint = (c: string): string =>
  `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

describe.each(dialects)('text rules on %s', (dialect) => {
  const getApp = useApp(dialect);

  async function fixture(): Promise<Fixture> {
    const freelancer = await signUp(getApp());
    const { client, project, milestones } = await setupProject(freelancer);
    const open = milestones.find((m) => m.status === 'open');
    if (!open) throw new Error('the new project has no open milestone');
    await share(freelancer, project.id);
    return { freelancer, projectId: project.id, clientId: client.id, openMilestoneId: open.id };
  }

  test(
    'every text field of every endpoint refuses NUL and control characters with 400 naming it, and nothing is written',
    SUITE_TIMEOUT,
    async () => {
      const f = await fixture();
      const before = await ownerSnapshot(f.freelancer);
      let checked = 0;
      for (const field of textFields(getApp(), f)) {
        const refused =
          field.kind === 'single-line'
            ? [...ALWAYS_REFUSED, ...LINE_BREAKS_AND_TABS.filter((c) => c !== '\r')]
            : ALWAYS_REFUSED;
        for (const char of refused) {
          const res = await field.send(char);
          const what = `${field.endpoint} ${field.field} with ${codePoint(char)}`;
          expect(res.status, `${what}: ${res.status} ${res.text}`).toBe(400);
          const error = expectError(res, { status: 400, code: 'VALIDATION_FAILED' });
          expect(error.field, `${what} names the field`).toBe(field.field);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(150);
      expect(await ownerSnapshot(f.freelancer)).toEqual(before);
    },
  );

  test(
    'a password being checked is compared, never refused for its characters: a NUL is a wrong password',
    SUITE_TIMEOUT,
    async () => {
      const f = await fixture();
      const anonymous = new Actor(getApp().url, 'anonymous');
      const res = await anonymous.post('/api/auth/login', {
        email: f.freelancer.email,
        password: `${PASSWORD}\u0000`,
      });
      expectError(res, { status: 401, code: 'INVALID_CREDENTIALS' });
    },
  );

  test(
    'multi-line prose keeps tabs and line breaks (CRLF read as LF); unpaired surrogates are refused',
    SUITE_TIMEOUT,
    async () => {
      const f = await fixture();
      const prose = 'Line one\r\n\tLine two\nLine three';
      const saved = expectStatus(
        await f.freelancer.patch(`/api/projects/${f.projectId}`, { description: prose }),
        200,
        C.ProjectEnvelope,
      );
      expect(saved.project.description).toBe('Line one\n\tLine two\nLine three');
      const lone = await f.freelancer.patch(`/api/projects/${f.projectId}`, {
        title: 'Broken \ud800 text',
      });
      expectError(lone, { status: 400, code: 'VALIDATION_FAILED', field: 'title' });
    },
  );

  test(
    'upload metadata: control characters in the file name or type are refused with 400, non-UTF-8 too',
    SUITE_TIMEOUT,
    async () => {
      const f = await fixture();
      for (const char of [...ALWAYS_REFUSED, ...LINE_BREAKS_AND_TABS]) {
        for (const field of ['filename', 'filetype'] as const) {
          const got = await createUploadWith(getApp(), f, {
            [field]: field === 'filename' ? `report${char}.pdf` : `application/pdf${char}`,
          });
          const what = `Upload-Metadata ${field} with ${codePoint(char)}`;
          expect(got.status, `${what}: ${got.status} ${got.text}`).toBe(400);
          const parsed = C.ErrorBody.parse(got.body);
          expect(parsed.error.field, what).toBe(field);
        }
      }
      // Bytes that are not UTF-8 (a lone continuation byte) in the file name.
      const headers = {
        ...tusHeaders(f.freelancer),
        'upload-length': '3',
        'upload-metadata': `${uploadMetadata({ milestoneId: f.openMilestoneId })},filename ${Buffer.from([0x61, 0x80, 0x62]).toString('base64')}`,
      };
      const res = await fetch(`${getApp().url}/api/uploads`, { method: 'POST', headers });
      const body = C.ErrorBody.parse(await res.json());
      expect(res.status).toBe(400);
      expect(body.error.field).toBe('filename');
      const files = await listFiles(f.freelancer, f.projectId);
      expect(files.files, 'no slot was reserved by a refused upload').toEqual([]);
    },
  );

  test(
    'bidirectional override characters are stripped from names, titles and file names',
    SUITE_TIMEOUT,
    async () => {
      const app = getApp();
      const everyBidi = BIDI.join('');
      const freelancer = await signUp(app, uniqueEmail('bidi'), `Fiona${everyBidi} Freelancer`);
      expect(freelancer.user?.name).toBe('Fiona Freelancer');

      const client = expectStatus(
        await freelancer.post('/api/clients', {
          name: `Clara${RLO}tneilC`,
          email: uniqueEmail('client'),
          company: `Acme${RLO} Ltd`,
        }),
        201,
        C.ClientEnvelope,
      ).client;
      expect(client.name).toBe('ClaratneilC');
      expect(client.company).toBe('Acme Ltd');

      const created = expectStatus(
        await freelancer.post('/api/projects', {
          clientId: client.id,
          title: `Logo${RLO}gnp.exe`,
          currency: 'EUR',
          tags: [`a${RLO}b`],
          milestones: [milestoneInput(0, { amountMinor: 100_00, title: `Draft${RLO}` })],
        }),
        201,
        C.ProjectCreated,
      );
      const detail = await getProject(freelancer, created.project.id);
      expect(detail.project.title).toBe('Logognp.exe');
      expect(detail.project.tags).toEqual(['ab']);
      expect(detail.milestones[0]?.title).toBe('Draft');

      // A name that is nothing but overrides is blank.
      const blank = await freelancer.patch(`/api/clients/${client.id}`, { name: RLO + BIDI[0] });
      expectError(blank, { status: 400, code: 'VALIDATION_FAILED', field: 'name' });

      // A file name that would read "invoiceexe.pdf" is stored as what it is.
      const milestoneId = detail.milestones[0]?.id ?? '';
      const upload = await createUploadRaw(app, freelancer, {
        milestoneId,
        length: 3,
        filename: `invoice${RLO}fdp.exe`,
        body: Buffer.from('abc'),
      });
      expect(upload.status, await upload.text()).toBe(201);
      const files = await listFiles(freelancer, created.project.id);
      expect(files.files.map((file: FileView) => file.name)).toEqual(['invoicefdp.exe']);
    },
  );
});
