/**
 * The shapes the HTTP API answers with, derived from the types generated out of the server's
 * OpenAPI document (src/web/api-types.ts, `npm run api:types`): none is written by hand here.
 */
import type { paths } from './api-types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body of a path's successful answer (200, else 201). */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: infer Ok }
    ? JsonOf<Ok>
    : R extends { 201: infer Created }
      ? JsonOf<Created>
      : never
  : never;

/** The JSON body a path takes. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: infer B;
}
  ? JsonOf<NonNullable<B>>
  : never;

/** What signup, login and "who am I" answer with. */
export type Session = ResponseOf<'/api/auth/me', 'get'>;
export type User = Session['user'];
/** The operator's limits, published with the session so the UI can state them. */
export type Limits = Session['limits'];
export type Settings = ResponseOf<'/api/settings', 'get'>;
/** What PUT /api/settings takes: a left-out time zone or language stays as it is. */
export type SettingsInput = BodyOf<'/api/settings', 'put'>;

export type Client = ResponseOf<'/api/clients', 'get'>['clients'][number];

type ProjectResponse = ResponseOf<'/api/projects/{projectId}', 'get'>;
export type ProjectSummary = ResponseOf<'/api/projects', 'get'>['projects'][number];
export type Project = ProjectResponse['project'];
export type Milestone = ProjectResponse['milestones'][number];
export type MilestoneStatus = Milestone['status'];
export type ProjectStatus = Project['status'];

/** A money movement on a milestone: a payment (offline or Stripe) or a refund. */
export type Payment = ProjectResponse['payments'][number];
/** How the freelancer says an offline payment arrived. */
export type PaymentMethod = BodyOf<
  '/api/projects/{projectId}/milestones/{milestoneId}/payments',
  'post'
>['method'];

export type Receipt = ResponseOf<'/api/receipts', 'get'>['receipts'][number];

export type PaymentSettings = ResponseOf<'/api/settings/payments', 'get'>;
export type MailTransport = PaymentSettings['mail']['transport'];
/** Mail not sent yet (GET /api/mail/outbox): who, what, how it went — never the body. */
export type UnsentMail = ResponseOf<'/api/mail/outbox', 'get'>['messages'][number];

/** A page of the activity record, oldest first; `nextCursor` fetches the page before it. */
export type ActivityPage = ResponseOf<'/api/projects/{projectId}/activity', 'get'>;
export type Activity = ActivityPage['entries'][number];

export type NewProjectInput = BodyOf<'/api/projects', 'post'>;
export type MilestoneInput = NewProjectInput['milestones'][number];

export type PortalView = ResponseOf<'/api/portal/project', 'get'>;
export type PortalProject = PortalView['project'];

type ProjectFiles = ResponseOf<'/api/projects/{projectId}/files', 'get'>;
/** A milestone's deliverable file; `downloadable` says whether the caller may fetch it now. */
export type DeliverableFile = ProjectFiles['files'][number];
export type FileStatus = DeliverableFile['status'];
/** A file's downloads by one downloader and address within one hour, merged. */
export type Download = ProjectFiles['downloads'][number];

export type Attention = ResponseOf<'/api/attention', 'get'>;
export type AttentionItem = Attention['overdue'][number];
