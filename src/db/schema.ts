/**
 * The database's tables as Kysely sees them. Ids are app-generated text; timestamps are ISO-8601
 * UTC strings; money is integer minor units (bigint on PostgreSQL, read back as number).
 */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { MilestoneStatus, ProjectProgress } from '../domain/milestone-sequence';
import type { DocumentSeries, VatMode } from '../domain/invoice';
import type { Locale } from '../i18n/locales';

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  name: string;
  business_name: string;
  payment_instructions: string;
  receipt_counter: Generated<number>;
  stripe_secret_key_enc: string | null;
  stripe_webhook_secret_enc: string | null;
  /** Set when Milepost created the webhook endpoint itself (one-step connect, migration 0021). */
  stripe_account_id: string | null;
  stripe_account_name: string | null;
  stripe_webhook_endpoint_id: string | null;
  /** IANA time zone name: the freelancer's "today". */
  time_zone: Generated<string>;
  /** The language of the freelancer's mail and app (a supported locale, src/i18n). */
  locale: Generated<Locale>;
  /** The name the client's portal shows (migration 0014); empty: business name, else name. */
  brand_name: Generated<string>;
  /** The portal's accent colour as #rrggbb (migration 0014); null: Milepost's. */
  brand_accent: string | null;
  /** Printed on invoices and receipts (migration 0019). */
  tax_id: Generated<string>;
  postal_address: Generated<string>;
  /** Days after a delivery on which an unpaid milestone's client is reminded ("3,7,14"). */
  reminder_days: Generated<string>;
  /** The invoice's due date is delivery plus this many days. */
  payment_terms_days: Generated<number>;
  /** The freelancer's terms template per client language (migration 0031); null: the default. */
  contract_template_en: Generated<string | null>;
  contract_template_de: Generated<string | null>;
  /** The outside mediator every contract names; empty: none named. */
  contract_mediator: Generated<string>;
  /** The review window new projects start with, in days. */
  review_window_days: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** Single-use "forgot password" tokens (migration 0010): only their SHA-256 is kept. */
export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ClientSessionsTable {
  token_hash: string;
  project_id: string;
  access_generation: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ClientsTable {
  id: string;
  owner_id: string;
  name: string;
  email: string;
  company: string;
  /** The language of the client's mail and portal, chosen by the freelancer. */
  locale: Generated<Locale>;
  /** Printed on invoices and receipts (migration 0019). */
  tax_id: Generated<string>;
  postal_address: Generated<string>;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectsTable {
  id: string;
  owner_id: string;
  client_id: string;
  title: string;
  currency: string;
  project_type: string;
  tags: string; // JSON array of strings
  description: string;
  status: ProjectProgress;
  archived_at: string | null;
  terms_accepted_at: string | null;
  access_code_hash: string | null;
  access_token_hash: string | null;
  access_generation: Generated<number>;
  access_created_at: string | null;
  /** The last number taken in the project's stream (migration 0016). */
  stream_seq: Generated<number>;
  /** How to pay offline for this project (migration 0012); empty: the freelancer's. */
  payment_instructions: Generated<string>;
  /** The VAT its invoices apply (migration 0019; src/domain/invoice.ts). */
  vat_mode: Generated<VatMode>;
  vat_rate_bp: Generated<number>;
  /** The project's own reminder days (migration 0017); null: the freelancer's. */
  reminder_days: Generated<string | null>;
  /** 1: no payment reminders or overdue notices for this project. */
  reminders_paused: Generated<number>;
  /** Days after a delivery before the client is reminded to review it (migration 0032). */
  review_window_days: Generated<number>;
  /** Time spent on the project, in minutes (migration 0029); null: not recorded. */
  hours_minutes: Generated<number | null>;
  /**
   * The project's own mediator (migration 0031); null: the freelancer's. Set from the freelancer's
   * when the client first accepts the contract, like contract_template.
   */
  mediator: Generated<string | null>;
  /** The terms template the client accepted (copied at the first acceptance); null: not yet. */
  contract_template: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

export interface MilestonesTable {
  id: string;
  project_id: string;
  position: number;
  title: string;
  deliverables: string;
  due_date: string;
  amount_minor: number;
  status: MilestoneStatus;
  delivered_at: string | null;
  paid_at: string | null;
  /** "MP-7F3K9Q": made once at creation, unique, never changed (migration 0011). */
  payment_reference: string;
  version: Generated<number>;
  /** 1: a deposit, payable as soon as it opens with nothing to deliver (migration 0032). */
  is_deposit: Generated<number>;
  /** Rounds of revision included in the contract (0–10; default 2). */
  revision_rounds: Generated<number>;
  /** When the client approved the delivery (paying counts too); null after a revision request. */
  approved_at: Generated<string | null>;
  /** Revision rounds requested so far, and the open request (null when none is open). */
  revisions_used: Generated<number>;
  revision_note: Generated<string | null>;
  revision_requested_at: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

export interface PaymentsTable {
  id: string;
  project_id: string;
  milestone_id: string;
  amount_minor: number;
  currency: string;
  method: string;
  reference: string;
  received_on: string;
  recorded_by: string;
  kind: 'payment' | 'refund';
  source: 'offline' | 'stripe';
  status: 'credited' | 'flagged';
  external_id: string | null;
  payment_intent: string | null;
  livemode: number | null;
  created_at: string;
}

export interface ReceiptsTable {
  id: string;
  owner_id: string;
  number: number;
  project_id: string;
  milestone_id: string;
  payment_id: string;
  snapshot: string; // JSON of everything the PDF shows, so it renders the same forever
  created_at: string;
}

export interface CheckoutSessionsTable {
  id: string;
  owner_id: string;
  project_id: string;
  milestone_id: string;
  milestone_version: number;
  amount_minor: number;
  currency: string;
  url: string;
  status: 'open' | 'complete' | 'expired' | 'failed';
  expires_at: string;
  created_at: string;
  /** The webhook endpoint that reports on it: 'operator', or the owner's id (their own keys). */
  endpoint: string;
}

export interface StripeEventsTable {
  /** Event ids are unique per endpoint ('operator' or a user id), not across endpoints. */
  endpoint: string;
  id: string;
  type: string;
  owner_id: string | null;
  received_at: string;
}

export interface ActivityTable {
  id: string;
  project_id: string;
  seq: number;
  actor_type: 'freelancer' | 'client' | 'system';
  actor_id: string | null;
  action: string;
  details: string; // JSON object
  created_at: string;
  prev_hash: string;
  hash: string;
}

export interface FailedAttemptsTable {
  id: string;
  scope: string;
  key: string;
  at: string;
}

export interface FilesTable {
  id: string;
  project_id: string;
  milestone_id: string;
  owner_id: string;
  name: string;
  type: string;
  size: number;
  sha256: string | null;
  status: 'uploading' | 'complete';
  created_at: string;
  completed_at: string | null;
  expires_at: string;
  /** Replaced during a revision (migration 0032): kept, listed, left out of Download all. */
  superseded_at: Generated<string | null>;
  /** The file that replaced it, if one did. */
  superseded_by: Generated<string | null>;
}

/** One revision request of a milestone (migration 0032), numbered per milestone. */
export interface MilestoneRevisionsTable {
  id: string;
  project_id: string;
  milestone_id: string;
  round: number;
  note: string;
  requested_at: string;
  redelivered_at: string | null;
}

export interface FileRemovalsTable {
  file_id: string;
  queued_at: string;
  attempts: Generated<number>;
  last_error: string | null;
}

/** Downloads merged per file, downloader and hour (migration 0006). */
export interface DownloadLogTable {
  id: string;
  file_id: string;
  project_id: string;
  actor_type: 'freelancer' | 'client';
  /** The downloader's address key (IPv6 by /64). */
  address: string;
  via: 'stream' | 'presigned';
  /** The UTC hour the row covers, as 2026-07-01T09. */
  hour: string;
  first_at: string;
  last_at: string;
  requests: number;
  bytes: number;
  /** Requests that sent every byte of the file. */
  completions: number;
}

export const MAIL_KINDS = [
  'receipt',
  'delivery',
  'password_reset',
  'invitation',
  'uploads',
  'messages',
  'client_visit',
  'terms_accepted',
  'downloads',
  'reminder',
  'overdue',
  'change_order',
  'revision_requested',
  'milestone_approved',
  'dispute',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** pending: waiting or being retried; sent: delivered (body cleared); failed: given up. */
export type MailStatus = 'pending' | 'sent' | 'failed';

export interface MailOutboxTable {
  id: string;
  owner_id: string;
  kind: MailKind;
  to_address: string;
  subject: string;
  body_text: string | null;
  /** The HTML alternative of body_text (null for older rows); cleared after sending. */
  body_html: string | null;
  /** The sender's display name ("Ann Lee via Milepost"); null: MAIL_FROM's own. */
  from_name: string | null;
  reply_to: string | null;
  /** JSON: the template and its data (src/mail/compose.ts), rendered by the worker; cleared after sending. */
  template: string | null;
  attachment: string | null;
  /** JSON { audience, subjectId, kind }: whose choice a notification follows (migration 0017). */
  unsubscribe: Generated<string | null>;
  status: MailStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  lease_token: string | null;
  lease_until: string | null;
  queued_at: string;
  created_at: string;
  sent_at: string | null;
}

export type ChatParty = 'freelancer' | 'client';
export type ChatAuthorType = ChatParty | 'system';

/** A message or system entry of a project's conversation (migration 0016). */
export interface ChatMessagesTable {
  id: string;
  project_id: string;
  /** 'general', or a milestone id. */
  thread: string;
  seq: number;
  author_type: ChatAuthorType;
  author_id: string | null;
  kind: 'text' | 'system';
  body: string;
  /** JSON for system entries. */
  event: string | null;
  reply_to: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

export type StreamEventType =
  | 'message.created'
  | 'message.edited'
  | 'message.deleted'
  | 'thread.read'
  // Live events without a message: what the open pages refresh on.
  | 'terms.accepted'
  | 'project.updated'
  | 'project.archived'
  | 'project.unarchived'
  | 'access.changed';

/** One numbered entry of a project's stream (migration 0016). */
export interface StreamEventsTable {
  project_id: string;
  seq: number;
  type: StreamEventType;
  thread: string | null;
  message_id: string | null;
  data: string;
  created_at: string;
  /** Random (migration 0040): names the entry a resubscribing socket holds; null on older rows. */
  tag: string | null;
}

/** How far each party has read each thread (migration 0016). */
export interface ChatReadsTable {
  project_id: string;
  thread: string;
  party: ChatParty;
  up_to_seq: number;
  updated_at: string;
}

/** The freelancer's logo (migration 0014): a PNG, JPEG or WebP recognised by its bytes. */
export interface BrandLogosTable {
  owner_id: string;
  content_type: string;
  size: number;
  sha256: string;
  data_base64: string;
  updated_at: string;
}

/** A freelancer's last number per document series and year (migration 0019). */
export interface DocumentCountersTable {
  owner_id: string;
  kind: DocumentSeries;
  year: number;
  last: number;
}

/** Invoices and credit notes (migration 0019): written once, never updated. */
export interface InvoicesTable {
  id: string;
  owner_id: string;
  project_id: string;
  milestone_id: string;
  kind: DocumentSeries;
  year: number;
  number: number;
  label: string;
  issued_on: string;
  due_date: string | null;
  currency: string;
  net_minor: number;
  tax_minor: number;
  gross_minor: number;
  /** Credit notes: the invoice they cancel. */
  cancels_id: string | null;
  snapshot: string; // JSON InvoiceSnapshot
  created_at: string;
}

/** A person's choice of one kind of mail (migration 0017); no row: they get it. */
export interface NotificationPrefsTable {
  audience: 'freelancer' | 'client';
  subject_id: string;
  kind: string;
  enabled: number;
  updated_at: string;
}

export type JobKind =
  | 'uploads'
  | 'messages'
  | 'downloads'
  | 'reminder'
  | 'overdue'
  | 'review'
  /** A step of an owner's analytics rebuild (migration 0039); its project: any of the owner's. */
  | 'analytics';

/** Work due later (migration 0017), each under a unique key so it runs once. */
export interface ScheduledJobsTable {
  id: string;
  key: string;
  topic: string;
  kind: JobKind;
  project_id: string;
  due_at: string;
  payload: string;
  claim_token: string | null;
  claimed_until: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  done_at: string | null;
  outcome: string | null;
  created_at: string;
}

/** One version of a project's contract text (migration 0028): written once, never updated. */
export interface ContractVersionsTable {
  id: string;
  project_id: string;
  /** 1, 2, … per project. */
  version: number;
  /** The language the text was generated in. */
  locale: Locale;
  text: string;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
  sha256: string;
  /** 'dispute': made by an accepted dispute resolution (src/actions/dispute-resolution.ts). */
  reason: 'initial' | 'changed' | 'change_order' | 'dispute';
  created_at: string;
}

/** The client's acceptance of one contract version (migration 0028), at most one per version. */
export interface ContractAcceptancesTable {
  id: string;
  version_id: string;
  project_id: string;
  full_name: string;
  accepted_at: string;
  ip: string;
  user_agent: string;
  /** The hash the client sent: equal to the version's, or the acceptance was refused. */
  sha256: string;
}

/** A change order (migration 0030); `changes` and `before` are JSON. */
export interface DisputesTable {
  id: string;
  project_id: string;
  milestone_id: string;
  opened_by: 'freelancer' | 'client';
  status: 'open' | 'escalated' | 'resolved' | 'withdrawn';
  statement: string;
  /** JSON { by, resolution } (src/domain/dispute.ts Proposal); null: none standing. */
  proposal: string | null;
  /** JSON Resolution agreed; null until resolved. */
  resolution: string | null;
  escalated_at: string | null;
  /** The mediator the contract named when it was escalated ('' when none was named). */
  mediator: string | null;
  /** A chargeback's Stripe dispute id and reason (as Stripe says it); null otherwise. */
  stripe_dispute_id: string | null;
  chargeback_reason: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface DisputeEntriesTable {
  id: string;
  dispute_id: string;
  project_id: string;
  seq: number;
  type: 'statement' | 'propose' | 'accept' | 'decline' | 'escalate' | 'withdraw';
  party: 'freelancer' | 'client';
  text: string;
  /** JSON Resolution of a proposal; null for other steps. */
  resolution: string | null;
  /** JSON { messageIds: string[]; fileIds: string[] }. */
  evidence: string;
  created_at: string;
}

export interface ChangeOrdersTable {
  id: string;
  project_id: string;
  /** 1, 2, … per project. */
  number: number;
  status: 'proposed' | 'accepted' | 'declined' | 'withdrawn';
  reason: string;
  /** JSON Change[] (src/domain/change-order.ts). */
  changes: string;
  /** JSON PlanMilestone[]: the milestones when the order was proposed. */
  before: string;
  base_version_id: string;
  result_version_id: string | null;
  acceptance_id: string | null;
  decline_note: string | null;
  proposed_at: string;
  decided_at: string | null;
}

export const COST_CATEGORIES = [
  'subcontractor',
  'software',
  'travel',
  'equipment',
  'other',
] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

/** A project's cost entry (migration 0029): money spent on it, in the project's currency. */
export interface ProjectCostsTable {
  id: string;
  project_id: string;
  amount_minor: number;
  currency: string;
  /** YYYY-MM-DD, the freelancer's calendar date. */
  spent_on: string;
  note: string;
  category: CostCategory;
  created_at: string;
  updated_at: string;
}

/** The instance's signing key (migration 0034): one row per purpose, shared by every instance. */
export interface InstanceKeysTable {
  purpose: 'evidence-signing';
  algorithm: 'Ed25519';
  /** The raw 32-byte public key, base64. */
  public_key: string;
  /** PKCS#8 DER of the private key, base64, sealed with SECRET_KEY (src/auth/secret-box.ts). */
  private_key_sealed: string;
  created_at: string;
}

/** What one project or client adds to its owner's analytics (migration 0037). */
export interface AnalyticsCellsTable {
  /** The project's or the client's id. */
  source_id: string;
  owner_id: string;
  /** JSON: [currency, metric, month, key, sub, value][]. */
  cells: string;
}

/** Per owner, the sum of the analytics cells (src/domain/analytics-sums.ts). */
export interface AnalyticsSumsTable {
  owner_id: string;
  currency: string;
  metric: string;
  month: string;
  key: string;
  sub: string;
  value: number;
}

/**
 * An owner whose analytics sums were ever marked stale (migration 0039): while after_id is not
 * null they are being rebuilt after a change of time zone, step by step, and the dashboard reads
 * the rows.
 */
export interface AnalyticsRebuildsTable {
  owner_id: string;
  /** Grows with each new mark; a step scheduled for an older one stops. */
  generation: number;
  /** The last project id summed anew in this generation ('' before the first step); null: whole. */
  after_id: string | null;
  started_at: string;
}

export interface DB {
  analytics_cells: AnalyticsCellsTable;
  analytics_rebuilds: AnalyticsRebuildsTable;
  analytics_sums: AnalyticsSumsTable;
  instance_keys: InstanceKeysTable;
  change_orders: ChangeOrdersTable;
  disputes: DisputesTable;
  dispute_entries: DisputeEntriesTable;
  project_costs: ProjectCostsTable;
  contract_versions: ContractVersionsTable;
  contract_acceptances: ContractAcceptancesTable;
  brand_logos: BrandLogosTable;
  document_counters: DocumentCountersTable;
  invoices: InvoicesTable;
  notification_prefs: NotificationPrefsTable;
  scheduled_jobs: ScheduledJobsTable;
  chat_messages: ChatMessagesTable;
  stream_events: StreamEventsTable;
  chat_reads: ChatReadsTable;
  mail_outbox: MailOutboxTable;
  receipts: ReceiptsTable;
  checkout_sessions: CheckoutSessionsTable;
  stripe_events: StripeEventsTable;
  files: FilesTable;
  file_removals: FileRemovalsTable;
  download_log: DownloadLogTable;
  users: UsersTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  client_sessions: ClientSessionsTable;
  clients: ClientsTable;
  projects: ProjectsTable;
  milestones: MilestonesTable;
  milestone_revisions: MilestoneRevisionsTable;
  payments: PaymentsTable;
  activity: ActivityTable;
  failed_attempts: FailedAttemptsTable;
}

export type ProjectCostRow = Selectable<ProjectCostsTable>;
export type UserRow = Selectable<UsersTable>;
export type ClientRow = Selectable<ClientsTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type MilestoneRow = Selectable<MilestonesTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type ActivityRow = Selectable<ActivityTable>;
export type ReceiptRow = Selectable<ReceiptsTable>;
export type CheckoutSessionRow = Selectable<CheckoutSessionsTable>;
export type FileRow = Selectable<FilesTable>;
export type MilestoneRevisionRow = Selectable<MilestoneRevisionsTable>;
export type DownloadLogRow = Selectable<DownloadLogTable>;
export type FileRemovalRow = Selectable<FileRemovalsTable>;
export type MailRow = Selectable<MailOutboxTable>;
export type NewActivity = Insertable<ActivityTable>;
export type ChatMessageRow = Selectable<ChatMessagesTable>;
export type StreamEventRow = Selectable<StreamEventsTable>;
export type BrandLogoRow = Selectable<BrandLogosTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type ScheduledJobRow = Selectable<ScheduledJobsTable>;
export type ContractVersionRow = Selectable<ContractVersionsTable>;
export type ContractAcceptanceRow = Selectable<ContractAcceptancesTable>;
export type ChangeOrderRow = Selectable<ChangeOrdersTable>;
export type DisputeRow = Selectable<DisputesTable>;
export type DisputeEntryRow = Selectable<DisputeEntriesTable>;
