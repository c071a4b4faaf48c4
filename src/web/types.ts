/** The shapes the HTTP API answers with (see the API contract). */

export interface User {
  id: string;
  email: string;
  name: string;
  businessName: string;
  paymentInstructions: string;
  /** IANA time zone: the freelancer's "today". */
  timeZone: string;
}

/** The operator's limits, published with the session so the UI can state them. */
export interface Limits {
  maxMilestones: number;
  maxFilesPerMilestone: number;
  maxFileBytes: number;
}

export interface Settings {
  name: string;
  businessName: string;
  paymentInstructions: string;
  timeZone: string;
}

export interface Client {
  id: string;
  name: string;
  email: string;
  company: string;
  archivedAt: string | null;
  createdAt: string;
}

export type MilestoneStatus = 'locked' | 'open' | 'delivered' | 'paid';
export type ProjectStatus = 'active' | 'complete';

export interface ProjectSummary {
  id: string;
  title: string;
  clientId: string;
  clientName: string;
  currency: string;
  totalMinor: number;
  paidMinor: number;
  awaitingPaymentMinor: number;
  status: ProjectStatus;
  archivedAt: string | null;
  milestoneCount: number;
  currentMilestone: {
    position: number;
    title: string;
    status: MilestoneStatus;
    dueDate: string;
  } | null;
  createdAt: string;
}

export interface Project {
  id: string;
  clientId: string;
  clientName: string;
  clientEmail: string;
  title: string;
  currency: string;
  projectType: string;
  tags: string[];
  description: string;
  totalMinor: number;
  paidMinor: number;
  status: ProjectStatus;
  archivedAt: string | null;
  createdAt: string;
  termsAcceptedAt: string | null;
  access: { active: boolean; createdAt: string | null };
}

export interface Milestone {
  id: string;
  position: number;
  title: string;
  deliverables: string;
  dueDate: string;
  amountMinor: number;
  status: MilestoneStatus;
  deliveredAt: string | null;
  paidAt: string | null;
  /** Counted payments received for it (flagged ones never count). */
  receivedMinor: number;
  refundedMinor: number;
  /** Still owed; 0 once covered. */
  outstandingMinor: number;
  /** Received beyond the amount, net of refunds. */
  overpaidMinor: number;
  /** Everything received was refunded: the client can no longer download its files. */
  refundedInFull: boolean;
}

/** How the freelancer says an offline payment arrived. */
export type PaymentMethod = 'bank_transfer' | 'cash' | 'cheque' | 'other';

/** A money movement on a milestone: a payment (offline or Stripe) or a refund. */
export interface Payment {
  id: string;
  milestoneId: string;
  amountMinor: number;
  currency: string;
  /** An offline method, 'stripe' for Stripe, 'refund' for refunds. */
  method: string;
  reference: string;
  receivedOn: string;
  kind: 'payment' | 'refund';
  source: 'offline' | 'stripe';
  /** Flagged: recorded but not counted (amount, currency or mode did not match). */
  status: 'credited' | 'flagged';
  createdAt: string;
}

export interface Receipt {
  id: string;
  number: number;
  /** "R-000001" */
  label: string;
  projectId: string;
  projectTitle: string;
  milestoneId: string;
  milestonePosition: number;
  milestoneTitle: string;
  amountMinor: number;
  currency: string;
  method: string;
  receivedOn: string;
  createdAt: string;
}

export type MailTransport = 'smtp' | 'outbox';

/** Mail not sent yet (GET /api/mail/outbox): who, what, how it went — never the body. */
export interface UnsentMail {
  id: string;
  kind: 'receipt' | 'delivery';
  to: string;
  subject: string;
  /** pending: waiting or retrying; failing: failed several times; failed: given up. */
  state: 'pending' | 'failing' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface PaymentSettings {
  stripe: {
    configured: boolean;
    source: 'own' | 'operator' | null;
    mode: 'test' | 'live' | null;
    webhookUrl: string | null;
    webhookSecretSet: boolean;
  };
  mail: { transport: MailTransport };
}

export interface Activity {
  seq: number;
  actorType: 'freelancer' | 'client' | 'system';
  action: string;
  details: Record<string, unknown>;
  createdAt: string;
  hash: string;
}

/** A page of the activity record, oldest first; `nextCursor` fetches the page before it. */
export interface ActivityPage {
  entries: Activity[];
  chainValid: boolean;
  nextCursor: string | null;
}

export interface MilestoneInput {
  title: string;
  deliverables: string;
  dueDate: string;
  amountMinor?: number;
  percent?: number;
}

export interface NewProjectInput {
  clientId: string;
  title: string;
  currency: string;
  projectType?: string;
  tags?: string[];
  description?: string;
  totalMinor?: number;
  milestones: MilestoneInput[];
}

export interface PortalProject {
  id: string;
  title: string;
  currency: string;
  description: string;
  totalMinor: number;
  paidMinor: number;
  status: ProjectStatus;
  termsAcceptedAt: string | null;
  archivedAt: string | null;
  freelancer: { name: string; businessName: string };
}

export interface PortalView {
  csrfToken: string;
  project: PortalProject;
  milestones: Milestone[];
  paymentInstructions: string | null;
  /** Whether the freelancer takes card payments (has Stripe set up). */
  cardPayments: boolean;
}

export type FileStatus = 'uploading' | 'complete';

/** A milestone's deliverable file; `downloadable` says whether the caller may fetch it now. */
export interface DeliverableFile {
  id: string;
  milestoneId: string;
  name: string;
  type: string;
  size: number;
  sha256: string | null;
  status: FileStatus;
  createdAt: string;
  completedAt: string | null;
  downloadable: boolean;
}

/** A file's downloads by one downloader and address within one hour, merged. */
export interface Download {
  id: string;
  fileId: string;
  fileName: string;
  actorType: 'freelancer' | 'client';
  address: string;
  via: 'stream' | 'presigned';
  firstAt: string;
  lastAt: string;
  requests: number;
  bytes: number;
  completions: number;
}
