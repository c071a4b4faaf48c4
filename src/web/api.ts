/**
 * The typed HTTP client, on openapi-fetch over the types generated from the server's OpenAPI
 * document (src/web/api-types.ts). Two realms keep their own CSRF token: the freelancer's app
 * (cookie `mp_session`) and the client portal (cookie `mp_client`).
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api-types';
import type { Locale } from '../i18n/locales';
import type { NewProjectInput, PaymentMethod, SettingsInput } from './types';
import { errorText } from './error-words';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    field?: string,
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; field?: unknown };
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** An error answer (its body as openapi-fetch parsed it) as the ApiError the app shows. */
function toError(res: Response, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const error = isErrorBody(body) ? body.error : undefined;
  // A deliberate refusal from upstream (MAIL_FAILED, PAYMENT_PROVIDER_ERROR…) says what went
  // wrong; anything else on a 5xx is the server's own fault and stays vague.
  const deliberate =
    typeof error?.code === 'string' &&
    error.code !== 'INTERNAL' &&
    typeof error.message === 'string';
  if (res.status >= 500 && !deliberate) {
    return new ApiError(
      res.status,
      'SERVER_ERROR',
      errorText('SERVER_ERROR', 'Something went wrong on the server. Please try again.'),
    );
  }
  const code = typeof error?.code === 'string' ? error.code : 'HTTP_' + String(res.status);
  const serverMessage =
    typeof error?.message === 'string' ? error.message : `Request failed (${res.status})`;
  // In the person's language; a wait reads "15 minutes" rather than "898 seconds".
  const message = errorText(code, serverMessage, res.status === 429 ? retryAfter : undefined);
  const field = typeof error?.field === 'string' ? error.field : undefined;
  return new ApiError(res.status, code, message, field, retryAfter);
}

/** What openapi-fetch answers: the parsed body of a success, or of a failure, and the response. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

class Realm {
  csrfToken: string | null = null;
  onUnauthenticated: (() => void) | null = null;
  readonly client: Client<paths>;

  constructor() {
    this.client = createClient<paths>({
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    this.client.use({
      onRequest: ({ request }) => {
        if (request.method !== 'GET' && this.csrfToken !== null) {
          request.headers.set('x-csrf-token', this.csrfToken);
        }
        return request;
      },
    });
  }

  /** Sends one typed request; resolves to the success body, or throws an ApiError. */
  async send<T>(request: (client: Client<paths>) => Promise<Answer<T>>): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await request(this.client);
    } catch {
      throw new ApiError(
        0,
        'NETWORK',
        errorText('NETWORK', 'Could not reach Milepost. Check your connection and try again.'),
      );
    }
    if (!answer.response.ok) {
      const error = toError(answer.response, answer.error);
      if (answer.response.status === 401 && error.code === 'UNAUTHENTICATED') {
        this.onUnauthenticated?.();
      }
      throw error;
    }
    return answer.data as T;
  }
}

export const app = new Realm();
export const portal = new Realm();

function withCsrf<T extends { csrfToken: string }>(realm: Realm, result: T): T {
  realm.csrfToken = result.csrfToken;
  return result;
}

const projectPath = (projectId: string) => ({ params: { path: { projectId } } });
const milestonePath = (projectId: string, milestoneId: string) => ({
  params: { path: { projectId, milestoneId } },
});
const archivedQuery = (includeArchived: boolean) =>
  includeArchived ? { params: { query: { includeArchived: 'true' as const } } } : {};

export const api = {
  async signup(input: { email: string; password: string; name: string; timeZone: string }) {
    return withCsrf(app, await app.send((c) => c.POST('/api/auth/signup', { body: input })));
  },
  async login(input: { email: string; password: string }) {
    return withCsrf(app, await app.send((c) => c.POST('/api/auth/login', { body: input })));
  },
  async me() {
    return withCsrf(app, await app.send((c) => c.GET('/api/auth/me')));
  },
  async logout() {
    await app.send((c) => c.POST('/api/auth/logout'));
    app.csrfToken = null;
  },
  /** Mails a reset link if an account has this email; answers the same either way. */
  requestPasswordReset: (email: string) =>
    app.send((c) => c.POST('/api/auth/password-reset', { body: { email } })),
  /** Sets the new password with the mail's token and starts a session (all others end). */
  async confirmPasswordReset(input: { token: string; newPassword: string }) {
    return withCsrf(
      app,
      await app.send((c) => c.POST('/api/auth/password-reset/confirm', { body: input })),
    );
  },
  attention: () => app.send((c) => c.GET('/api/attention')),
  inviteClient: (projectId: string) =>
    app.send((c) => c.POST('/api/projects/{projectId}/access/invite', projectPath(projectId))),
  changePassword: (input: { currentPassword: string; newPassword: string }) =>
    app.send((c) => c.POST('/api/auth/password', { body: input })),
  getSettings: () => app.send((c) => c.GET('/api/settings')),
  putSettings: (input: SettingsInput) => app.send((c) => c.PUT('/api/settings', { body: input })),
  paymentSettings: () => app.send((c) => c.GET('/api/settings/payments')),
  saveStripeKeys: (input: { secretKey: string; webhookSecret: string }) =>
    app.send((c) => c.PUT('/api/settings/stripe', { body: input })),
  connectStripe: (input: { secretKey: string }) =>
    app.send((c) => c.POST('/api/settings/stripe/connect', { body: input })),
  removeStripeKeys: () => app.send((c) => c.DELETE('/api/settings/stripe')),
  sendTestEmail: () => app.send((c) => c.POST('/api/settings/test-email')),
  unsentMail: () => app.send((c) => c.GET('/api/mail/outbox')),
  retryMail: (id: string) =>
    app.send((c) =>
      c.POST('/api/mail/outbox/{mailId}/retry', { params: { path: { mailId: id } } }),
    ),

  listClients: (includeArchived: boolean) =>
    app.send((c) => c.GET('/api/clients', archivedQuery(includeArchived))),
  createClient: (input: { name: string; email: string; company?: string; locale?: Locale }) =>
    app.send((c) => c.POST('/api/clients', { body: input })),
  updateClient: (
    id: string,
    input: { name?: string; email?: string; company?: string; locale?: Locale },
  ) =>
    app.send((c) =>
      c.PATCH('/api/clients/{clientId}', { params: { path: { clientId: id } }, body: input }),
    ),
  archiveClient: (id: string, archived: boolean) =>
    app.send((c) =>
      c.POST(archived ? '/api/clients/{clientId}/archive' : '/api/clients/{clientId}/unarchive', {
        params: { path: { clientId: id } },
      }),
    ),

  listProjects: (includeArchived: boolean) =>
    app.send((c) => c.GET('/api/projects', archivedQuery(includeArchived))),
  createProject: (input: NewProjectInput) =>
    app.send((c) => c.POST('/api/projects', { body: input })),
  getProject: (id: string) => app.send((c) => c.GET('/api/projects/{projectId}', projectPath(id))),
  archiveProject: (id: string, archived: boolean) =>
    app.send((c) =>
      c.POST(
        archived ? '/api/projects/{projectId}/archive' : '/api/projects/{projectId}/unarchive',
        projectPath(id),
      ),
    ),
  addMilestone: (
    projectId: string,
    input: {
      title: string;
      deliverables: string;
      dueDate: string;
      amountMinor: number;
      isDeposit?: boolean;
    },
  ) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/milestones', { ...projectPath(projectId), body: input }),
    ),
  updateMilestone: (
    projectId: string,
    milestoneId: string,
    input: {
      title?: string;
      deliverables?: string;
      dueDate?: string;
      amountMinor?: number;
      isDeposit?: boolean;
    },
  ) =>
    app.send((c) =>
      c.PATCH('/api/projects/{projectId}/milestones/{milestoneId}', {
        ...milestonePath(projectId, milestoneId),
        body: input,
      }),
    ),
  removeMilestone: (projectId: string, milestoneId: string) =>
    app.send((c) =>
      c.DELETE(
        '/api/projects/{projectId}/milestones/{milestoneId}',
        milestonePath(projectId, milestoneId),
      ),
    ),
  deliverMilestone: (projectId: string, milestoneId: string) =>
    app.send((c) =>
      c.POST(
        '/api/projects/{projectId}/milestones/{milestoneId}/deliver',
        milestonePath(projectId, milestoneId),
      ),
    ),
  recordPayment: (
    projectId: string,
    milestoneId: string,
    input: { amountMinor: number; method: PaymentMethod; reference?: string; receivedOn: string },
  ) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/milestones/{milestoneId}/payments', {
        ...milestonePath(projectId, milestoneId),
        body: input,
      }),
    ),
  recordRefund: (
    projectId: string,
    milestoneId: string,
    input: { amountMinor: number; reference?: string; refundedOn: string },
  ) =>
    app.send((c) =>
      c.POST('/api/projects/{projectId}/milestones/{milestoneId}/refunds', {
        ...milestonePath(projectId, milestoneId),
        body: input,
      }),
    ),
  listReceipts: () => app.send((c) => c.GET('/api/receipts')),
  projectReceipts: (projectId: string) =>
    app.send((c) => c.GET('/api/projects/{projectId}/receipts', projectPath(projectId))),
  /** The newest page of the activity record, or the page before the cursor `before`. */
  activity: (projectId: string, before?: string) =>
    app.send((c) =>
      c.GET('/api/projects/{projectId}/activity', {
        // The cursor is a sequence number the server hands out as a string.
        params: {
          path: { projectId },
          query: before === undefined ? {} : { before: Number(before) },
        },
      }),
    ),
  issueAccess: (projectId: string) =>
    app.send((c) => c.POST('/api/projects/{projectId}/access', projectPath(projectId))),
  revokeAccess: (projectId: string) =>
    app.send((c) => c.DELETE('/api/projects/{projectId}/access', projectPath(projectId))),
  listFiles: (projectId: string) =>
    app.send((c) => c.GET('/api/projects/{projectId}/files', projectPath(projectId))),
  /** Removes a file (finished or not) from the open milestone: the tus termination request. */
  removeFile: (fileId: string) =>
    app.send((c) =>
      c.DELETE('/api/uploads/{uploadId}', { params: { path: { uploadId: fileId } } }),
    ),
};

const enc = encodeURIComponent;

/** The tus endpoint every upload is created at; each upload then lives at `${UPLOADS_ENDPOINT}/<id>`. */
export const UPLOADS_ENDPOINT = '/api/uploads';

export function uploadUrl(fileId: string): string {
  return `${UPLOADS_ENDPOINT}/${enc(fileId)}`;
}

/** Where a file's bytes are served (to the client only once its milestone is paid). */
export function fileDownloadUrl(fileId: string): string {
  return `/api/files/${enc(fileId)}`;
}

/** A receipt's PDF, for the freelancer (any of theirs) or the client (their project's). */
export function receiptPdfUrl(receiptId: string, realm: 'app' | 'portal'): string {
  return realm === 'app'
    ? `/api/receipts/${enc(receiptId)}/pdf`
    : `/api/portal/receipts/${enc(receiptId)}/pdf`;
}

export const portalApi = {
  async open(input: { code: string } | { token: string }) {
    return withCsrf(
      portal,
      await portal.send((c) => c.POST('/api/portal/session', { body: input })),
    );
  },
  async project() {
    return withCsrf(portal, await portal.send((c) => c.GET('/api/portal/project')));
  },
  files: () => portal.send((c) => c.GET('/api/portal/files')),
  acceptTerms: () => portal.send((c) => c.POST('/api/portal/terms', { body: { accept: true } })),
  receipts: () => portal.send((c) => c.GET('/api/portal/receipts')),
  disputes: () => portal.send((c) => c.GET('/api/portal/disputes')),
  /** A Stripe Checkout page for what is still owed on a delivered milestone. */
  checkout: (milestoneId: string) =>
    portal.send((c) =>
      c.POST('/api/portal/milestones/{milestoneId}/checkout', {
        params: { path: { milestoneId } },
      }),
    ),
  async logout() {
    await portal.send((c) => c.POST('/api/portal/logout'));
    portal.csrfToken = null;
  },
};
