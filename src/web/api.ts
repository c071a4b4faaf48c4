/**
 * The typed HTTP client. Two realms keep their own CSRF token: the freelancer's app (cookie
 * `mp_session`) and the client portal (cookie `mp_client`).
 */
import type {
  ActivityPage,
  Client,
  DeliverableFile,
  Download,
  Limits,
  MailTransport,
  Milestone,
  NewProjectInput,
  Payment,
  PaymentMethod,
  PaymentSettings,
  PortalView,
  Project,
  ProjectSummary,
  Receipt,
  Settings,
  UnsentMail,
  User,
} from './types';

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

/** What signup, login and "who am I" answer with. */
export interface Session {
  user: User;
  csrfToken: string;
  limits: Limits;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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

async function toError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
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
      'Something went wrong on the server. Please try again.',
    );
  }
  const code = typeof error?.code === 'string' ? error.code : 'HTTP_' + String(res.status);
  let message =
    typeof error?.message === 'string' ? error.message : `Request failed (${res.status})`;
  if (res.status === 429 && retryAfter !== undefined) {
    // Our own wording, so the wait reads "15 minutes" rather than "898 seconds".
    message = `Too many attempts. Try again in ${formatWait(retryAfter)}.`;
  }
  const field = typeof error?.field === 'string' ? error.field : undefined;
  return new ApiError(res.status, code, message, field, retryAfter);
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

class Realm {
  csrfToken: string | null = null;
  onUnauthenticated: (() => void) | null = null;

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken !== null) headers['x-csrf-token'] = this.csrfToken;
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(
        0,
        'NETWORK',
        'Could not reach Milepost. Check your connection and try again.',
      );
    }
    if (!res.ok) {
      const error = await toError(res);
      if (res.status === 401 && error.code === 'UNAUTHENTICATED') this.onUnauthenticated?.();
      throw error;
    }
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}

export const app = new Realm();
export const portal = new Realm();

function withCsrf<T extends { csrfToken: string }>(realm: Realm, result: T): T {
  realm.csrfToken = result.csrfToken;
  return result;
}

const enc = encodeURIComponent;

export const api = {
  async signup(input: { email: string; password: string; name: string; timeZone: string }) {
    return withCsrf(app, await app.request<Session>('POST', '/api/auth/signup', input));
  },
  async login(input: { email: string; password: string }) {
    return withCsrf(app, await app.request<Session>('POST', '/api/auth/login', input));
  },
  async me() {
    return withCsrf(app, await app.request<Session>('GET', '/api/auth/me'));
  },
  async logout() {
    await app.request<void>('POST', '/api/auth/logout');
    app.csrfToken = null;
  },
  changePassword: (input: { currentPassword: string; newPassword: string }) =>
    app.request<void>('POST', '/api/auth/password', input),
  getSettings: () => app.request<Settings>('GET', '/api/settings'),
  putSettings: (input: Settings) => app.request<Settings>('PUT', '/api/settings', input),
  paymentSettings: () => app.request<PaymentSettings>('GET', '/api/settings/payments'),
  saveStripeKeys: (input: { secretKey: string; webhookSecret: string }) =>
    app.request<PaymentSettings>('PUT', '/api/settings/stripe', input),
  removeStripeKeys: () => app.request<PaymentSettings>('DELETE', '/api/settings/stripe'),
  sendTestEmail: () =>
    app.request<{ sentTo: string; transport: MailTransport }>('POST', '/api/settings/test-email'),
  unsentMail: () => app.request<{ messages: UnsentMail[] }>('GET', '/api/mail/outbox'),
  retryMail: (id: string) =>
    app.request<{ messages: UnsentMail[] }>('POST', `/api/mail/outbox/${enc(id)}/retry`),

  listClients: (includeArchived: boolean) =>
    app.request<{ clients: Client[] }>(
      'GET',
      `/api/clients${includeArchived ? '?includeArchived=true' : ''}`,
    ),
  createClient: (input: { name: string; email: string; company?: string }) =>
    app.request<{ client: Client }>('POST', '/api/clients', input),
  updateClient: (id: string, input: { name?: string; email?: string; company?: string }) =>
    app.request<{ client: Client }>('PATCH', `/api/clients/${enc(id)}`, input),
  archiveClient: (id: string, archived: boolean) =>
    app.request<{ client: Client }>(
      'POST',
      `/api/clients/${enc(id)}/${archived ? 'archive' : 'unarchive'}`,
    ),

  listProjects: (includeArchived: boolean) =>
    app.request<{ projects: ProjectSummary[] }>(
      'GET',
      `/api/projects${includeArchived ? '?includeArchived=true' : ''}`,
    ),
  createProject: (input: NewProjectInput) =>
    app.request<{ project: Project; milestones: Milestone[] }>('POST', '/api/projects', input),
  getProject: (id: string) =>
    app.request<{ project: Project; milestones: Milestone[]; payments: Payment[] }>(
      'GET',
      `/api/projects/${enc(id)}`,
    ),
  archiveProject: (id: string, archived: boolean) =>
    app.request<{ project: Project }>(
      'POST',
      `/api/projects/${enc(id)}/${archived ? 'archive' : 'unarchive'}`,
    ),
  addMilestone: (
    projectId: string,
    input: { title: string; deliverables: string; dueDate: string; amountMinor: number },
  ) =>
    app.request<{ milestone: Milestone }>(
      'POST',
      `/api/projects/${enc(projectId)}/milestones`,
      input,
    ),
  updateMilestone: (
    projectId: string,
    milestoneId: string,
    input: { title?: string; deliverables?: string; dueDate?: string; amountMinor?: number },
  ) =>
    app.request<{ milestone: Milestone }>(
      'PATCH',
      `/api/projects/${enc(projectId)}/milestones/${enc(milestoneId)}`,
      input,
    ),
  removeMilestone: (projectId: string, milestoneId: string) =>
    app.request<void>('DELETE', `/api/projects/${enc(projectId)}/milestones/${enc(milestoneId)}`),
  deliverMilestone: (projectId: string, milestoneId: string) =>
    app.request<{ milestone: Milestone }>(
      'POST',
      `/api/projects/${enc(projectId)}/milestones/${enc(milestoneId)}/deliver`,
    ),
  recordPayment: (
    projectId: string,
    milestoneId: string,
    input: { amountMinor: number; method: PaymentMethod; reference?: string; receivedOn: string },
  ) =>
    app.request<{ payment: Payment; milestone: Milestone }>(
      'POST',
      `/api/projects/${enc(projectId)}/milestones/${enc(milestoneId)}/payments`,
      input,
    ),
  recordRefund: (
    projectId: string,
    milestoneId: string,
    input: { amountMinor: number; reference?: string; refundedOn: string },
  ) =>
    app.request<{ refund: Payment; milestone: Milestone }>(
      'POST',
      `/api/projects/${enc(projectId)}/milestones/${enc(milestoneId)}/refunds`,
      input,
    ),
  listReceipts: () => app.request<{ receipts: Receipt[] }>('GET', '/api/receipts'),
  projectReceipts: (projectId: string) =>
    app.request<{ receipts: Receipt[] }>('GET', `/api/projects/${enc(projectId)}/receipts`),
  /** The newest page of the activity record, or the page before the cursor `before`. */
  activity: (projectId: string, before?: string) =>
    app.request<ActivityPage>(
      'GET',
      `/api/projects/${enc(projectId)}/activity${before === undefined ? '' : `?before=${enc(before)}`}`,
    ),
  issueAccess: (projectId: string) =>
    app.request<{ code: string; link: string }>('POST', `/api/projects/${enc(projectId)}/access`),
  revokeAccess: (projectId: string) =>
    app.request<void>('DELETE', `/api/projects/${enc(projectId)}/access`),
  listFiles: (projectId: string) =>
    app.request<{ files: DeliverableFile[]; downloads: Download[] }>(
      'GET',
      `/api/projects/${enc(projectId)}/files`,
    ),
  /** Removes a file (finished or not) from the open milestone: the tus termination request. */
  removeFile: (fileId: string) => app.request<void>('DELETE', uploadUrl(fileId)),
};

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
      await portal.request<{ projectId: string; csrfToken: string }>(
        'POST',
        '/api/portal/session',
        input,
      ),
    );
  },
  async project() {
    return withCsrf(portal, await portal.request<PortalView>('GET', '/api/portal/project'));
  },
  files: () => portal.request<{ files: DeliverableFile[] }>('GET', '/api/portal/files'),
  acceptTerms: () =>
    portal.request<{ termsAcceptedAt: string }>('POST', '/api/portal/terms', { accept: true }),
  receipts: () => portal.request<{ receipts: Receipt[] }>('GET', '/api/portal/receipts'),
  /** A Stripe Checkout page for what is still owed on a delivered milestone. */
  checkout: (milestoneId: string) =>
    portal.request<{ url: string; sessionId: string }>(
      'POST',
      `/api/portal/milestones/${enc(milestoneId)}/checkout`,
    ),
  async logout() {
    await portal.request<void>('POST', '/api/portal/logout');
    portal.csrfToken = null;
  },
};
