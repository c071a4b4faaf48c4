/** The few Milepost API calls the benchmark needs around the timed transfers (JSON over fetch). */

export class ApiError extends Error {}

export interface FileView {
  id: string;
  milestoneId: string;
  name: string;
  size: number;
  sha256: string | null;
  status: 'uploading' | 'complete';
}

/** One line of the download log: requests by one downloader within an hour, merged. */
export interface DownloadView {
  fileId: string;
  bytes: number;
  requests: number;
  completions: number;
}

export class Freelancer {
  private constructor(
    readonly baseUrl: string,
    readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  static async signUp(baseUrl: string): Promise<Freelancer> {
    const res = await fetch(`${baseUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bench-${Date.now()}@example.com`,
        password: 'bench-password-not-secret',
        name: 'Bench Freelancer',
      }),
    });
    const body = await res.text();
    if (res.status !== 201) throw new ApiError(`POST /api/auth/signup → ${res.status}: ${body}`);
    const session = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith('mp_session='));
    if (!session) throw new ApiError('POST /api/auth/signup set no mp_session cookie');
    const { csrfToken } = JSON.parse(body) as { csrfToken?: unknown };
    if (typeof csrfToken !== 'string')
      throw new ApiError('POST /api/auth/signup returned no csrfToken');
    return new Freelancer(baseUrl, session, csrfToken);
  }

  /** Cookie and CSRF headers for any write. */
  get authHeaders(): Record<string, string> {
    return { cookie: this.cookie, 'x-csrf-token': this.csrfToken };
  }

  async request<T>(method: string, path: string, expected: number, json?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...this.authHeaders,
        ...(json !== undefined && { 'content-type': 'application/json' }),
      },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
    const text = await res.text();
    if (res.status !== expected)
      throw new ApiError(`${method} ${path} → ${res.status} (expected ${expected}): ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A client and a one-milestone project; returns the ids the upload needs. */
  async setUpProject(
    title = 'File transfer benchmark',
  ): Promise<{ projectId: string; milestoneId: string }> {
    const { client } = await this.request<{ client: { id: string } }>('POST', '/api/clients', 201, {
      name: 'Bench Client',
      email: 'client@example.com',
    });
    const { project, milestones } = await this.request<{
      project: { id: string };
      milestones: { id: string; status: string }[];
    }>('POST', '/api/projects', 201, {
      clientId: client.id,
      title,
      currency: 'EUR',
      milestones: [
        {
          title: 'Deliverables',
          deliverables: 'One large file',
          dueDate: '2099-12-31',
          amountMinor: 100_000,
        },
      ],
    });
    const milestone = milestones[0];
    if (!milestone) throw new ApiError('POST /api/projects returned no milestone');
    if (milestone.status !== 'open')
      throw new ApiError(`the first milestone is ${milestone.status}, not open`);
    return { projectId: project.id, milestoneId: milestone.id };
  }

  /** Shares the project with its client: a fresh access code (POST /api/projects/:id/access). */
  async issueAccessCode(projectId: string): Promise<string> {
    const { code } = await this.request<{ code: string }>(
      'POST',
      `/api/projects/${projectId}/access`,
      201,
    );
    return code;
  }

  /** POST /api/uploads (tus creation, no body); returns the absolute upload URL and its id. */
  async createUpload(
    milestoneId: string,
    size: number,
    filename: string,
  ): Promise<{ url: string; id: string }> {
    const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
    const res = await fetch(`${this.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: {
        ...this.authHeaders,
        'tus-resumable': '1.0.0',
        'upload-length': String(size),
        'upload-metadata': `milestoneId ${b64(milestoneId)},filename ${b64(filename)},filetype ${b64('application/octet-stream')}`,
      },
    });
    const body = await res.text();
    const location = res.headers.get('location');
    if (res.status !== 201 || !location) {
      throw new ApiError(
        `POST /api/uploads → ${res.status}, Location ${location ?? 'none'}: ${body}`,
      );
    }
    const url = new URL(location, this.baseUrl).toString();
    const id = url.split('/').pop() ?? '';
    if (!/^[0-9a-f]{32}$/.test(id))
      throw new ApiError(`POST /api/uploads: unexpected Location ${location}`);
    return { url, id };
  }

  /** Headers of the tus PATCH that sends the whole file at once. */
  patchHeaders(): Record<string, string> {
    return {
      ...this.authHeaders,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
    };
  }

  listFiles(projectId: string): Promise<{ files: FileView[]; downloads: DownloadView[] }> {
    return this.request('GET', `/api/projects/${projectId}/files`, 200);
  }

  async deleteUpload(id: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/uploads/${id}`, {
      method: 'DELETE',
      headers: { ...this.authHeaders, 'tus-resumable': '1.0.0' },
    });
    if (res.status !== 204)
      throw new ApiError(`DELETE /api/uploads/${id} → ${res.status}: ${await res.text()}`);
  }
}

/** A client's portal session (POST /api/portal/session with the access code). */
export async function openPortalSession(baseUrl: string, code: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/portal/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = await res.text();
  if (res.status !== 200) throw new ApiError(`POST /api/portal/session → ${res.status}: ${body}`);
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('mp_client='));
  if (!session) throw new ApiError('POST /api/portal/session set no mp_client cookie');
  return session;
}
