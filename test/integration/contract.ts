/**
 * The response shapes of /work/api-contract.md as zod schemas. Every successful response a test
 * relies on is parsed through one of these, so a field that is missing, renamed or of the wrong
 * type fails the test that met it, and the test then works with a typed value (no casts).
 */
import { z } from 'zod';

const isoTimestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO timestamp');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const minor = z.number().int();

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string().min(1),
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const User = z.object({
  id: z.string().min(1),
  email: z.string(),
  name: z.string(),
  businessName: z.string().nullable(),
  paymentInstructions: z.string().nullable(),
});
export type User = z.infer<typeof User>;

export const AuthResult = z.object({ user: User, csrfToken: z.string().min(16) });

export const Settings = z.object({
  name: z.string(),
  businessName: z.string().nullable(),
  paymentInstructions: z.string().nullable(),
});

export const Client = z.object({
  id: z.string().min(1),
  name: z.string(),
  email: z.string(),
  company: z.string().nullable(),
  archivedAt: isoTimestamp.nullable(),
  createdAt: isoTimestamp,
});
export type Client = z.infer<typeof Client>;
export const ClientEnvelope = z.object({ client: Client });
export const ClientList = z.object({ clients: z.array(Client) });

export const MilestoneStatus = z.enum(['locked', 'open', 'delivered', 'paid']);
export const Milestone = z.object({
  id: z.string().min(1),
  position: z.number().int().min(1),
  title: z.string(),
  deliverables: z.string(),
  dueDate: isoDate,
  amountMinor: minor,
  status: MilestoneStatus,
  deliveredAt: isoTimestamp.nullable(),
  paidAt: isoTimestamp.nullable(),
});
export type Milestone = z.infer<typeof Milestone>;
export const MilestoneEnvelope = z.object({ milestone: Milestone });

export const Payment = z.object({
  id: z.string().min(1),
  milestoneId: z.string().min(1),
  amountMinor: minor,
  currency: z.string().length(3),
  // Offline methods as the freelancer records them; 'stripe' and 'refund' since payments came.
  method: z.enum(['bank_transfer', 'cash', 'cheque', 'other', 'stripe', 'refund']),
  reference: z.string().nullable(),
  receivedOn: isoDate,
  createdAt: isoTimestamp,
});
export type Payment = z.infer<typeof Payment>;
export const PaymentResult = z.object({ payment: Payment, milestone: Milestone });

export const Project = z.object({
  id: z.string().min(1),
  clientId: z.string().min(1),
  clientName: z.string(),
  clientEmail: z.string(),
  title: z.string(),
  currency: z.string().length(3),
  projectType: z.string().nullable(),
  tags: z.array(z.string()),
  description: z.string().nullable(),
  totalMinor: minor,
  paidMinor: minor,
  status: z.enum(['active', 'complete']),
  archivedAt: isoTimestamp.nullable(),
  createdAt: isoTimestamp,
  termsAcceptedAt: isoTimestamp.nullable(),
  access: z.object({ active: z.boolean(), createdAt: isoTimestamp.nullable() }),
});
export type Project = z.infer<typeof Project>;
export const ProjectEnvelope = z.object({ project: Project });
export const ProjectCreated = z.object({ project: Project, milestones: z.array(Milestone) });
export type ProjectCreated = z.infer<typeof ProjectCreated>;
export const ProjectDetail = z.object({
  project: Project,
  milestones: z.array(Milestone),
  payments: z.array(Payment),
});
export type ProjectDetail = z.infer<typeof ProjectDetail>;

export const ProjectSummary = z.object({
  id: z.string().min(1),
  title: z.string(),
  clientId: z.string().min(1),
  clientName: z.string(),
  currency: z.string().length(3),
  totalMinor: minor,
  paidMinor: minor,
  awaitingPaymentMinor: minor,
  status: z.enum(['active', 'complete']),
  archivedAt: isoTimestamp.nullable(),
  milestoneCount: z.number().int(),
  currentMilestone: z
    .object({
      position: z.number().int(),
      title: z.string(),
      status: MilestoneStatus,
      dueDate: isoDate,
    })
    .nullable(),
  createdAt: isoTimestamp,
});
export const ProjectList = z.object({ projects: z.array(ProjectSummary) });

/** The activity actions the contract names; an entry with any other action is a deviation. */
export const ACTIVITY_ACTIONS = [
  'project.created',
  'project.updated',
  'project.archived',
  'project.unarchived',
  'milestone.added',
  'milestone.updated',
  'milestone.removed',
  'milestone.delivered',
  'milestone.opened',
  'payment.recorded',
  'milestone.paid',
  'project.completed',
  'access.issued',
  'access.revoked',
  'client.opened',
  'terms.accepted',
  'contract.version_created',
  'contract.accepted',
  'project.reopened',
  // deliverables
  'file.upload_started',
  'file.uploaded',
  'file.removed',
  'file.downloaded',
  // payments and receipts
  'files.unlocked',
  'files.locked',
  'milestone.unpaid',
  'receipt.issued',
  // invoices
  'invoice.issued',
  'credit_note.issued',
  'project.vat_set',
  'payment.flagged',
  'payment.refunded',
  'payment.pending',
  // the conversation
  'message.replied',
  'message.edited',
  'message.deleted',
  'payment.failed',
  'payment.disputed',
  'checkout.started',
  // change orders
  'change_order.proposed',
  'change_order.accepted',
  'change_order.declined',
  'change_order.withdrawn',
  'milestone.revision_requested',
  'milestone.approved',
  'milestone.review_reminded',
  'file.superseded',
  'dispute.opened',
  'dispute.statement',
  'dispute.proposed',
  'dispute.accepted',
  'dispute.declined',
  'dispute.escalated',
  'dispute.withdrawn',
] as const;

export const ActivityEntry = z.object({
  seq: z.number().int().min(1),
  actorType: z.enum(['freelancer', 'client', 'system']),
  action: z.enum(ACTIVITY_ACTIONS),
  details: z.record(z.string(), z.unknown()),
  createdAt: isoTimestamp,
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;
export const ActivityList = z.object({
  entries: z.array(ActivityEntry),
  chainValid: z.boolean(),
  /** The `before` of the next older page; null at the start of the record. */
  nextCursor: z.string().nullable(),
});
export type ActivityList = z.infer<typeof ActivityList>;

export const AccessIssued = z.object({
  code: z.string(),
  link: z.string(),
  replacedEarlierCode: z.boolean(),
});
export const ClientInvited = AccessIssued.extend({ sentTo: z.string() });

export const PortalSession = z.object({
  projectId: z.string().min(1),
  csrfToken: z.string().min(16),
});
export const PortalProject = z.object({
  csrfToken: z.string().min(16),
  project: z.object({
    id: z.string().min(1),
    title: z.string(),
    currency: z.string().length(3),
    description: z.string().nullable(),
    totalMinor: minor,
    paidMinor: minor,
    status: z.enum(['active', 'complete']),
    termsAcceptedAt: isoTimestamp.nullable(),
    archivedAt: isoTimestamp.nullable(),
    freelancer: z.object({ name: z.string(), businessName: z.string().nullable() }),
  }),
  milestones: z.array(Milestone),
  paymentInstructions: z.string().nullable(),
});
export type PortalProject = z.infer<typeof PortalProject>;
export const TermsAccepted = z.object({ termsAcceptedAt: isoTimestamp });

export const Health = z.object({
  status: z.literal('ok'),
  database: z.enum(['sqlite', 'postgres']),
});
export const OpenApiDocument = z.object({
  openapi: z.string().regex(/^3\./),
  paths: z.record(z.string(), z.unknown()),
});

// ---------------------------------------------------------------------------------------------
// Payments and receipts (issue 4): the money fields milestones gained, money movements (offline,
// Stripe, refunds, flagged), receipts, payment settings, checkout and webhook acknowledgements.

export const MilestoneWithMoney = Milestone.extend({
  receivedMinor: minor,
  refundedMinor: minor,
  outstandingMinor: minor,
  overpaidMinor: minor,
  refundedInFull: z.boolean(),
});
export type MilestoneWithMoney = z.infer<typeof MilestoneWithMoney>;

export const MoneyMovement = z.object({
  id: z.string().min(1),
  milestoneId: z.string().min(1),
  amountMinor: minor,
  currency: z.string().length(3),
  method: z.enum(['bank_transfer', 'cash', 'cheque', 'other', 'stripe', 'refund']),
  reference: z.string().nullable(),
  receivedOn: isoDate,
  kind: z.enum(['payment', 'refund']),
  source: z.enum(['offline', 'stripe']),
  status: z.enum(['credited', 'flagged']),
  createdAt: isoTimestamp,
});
export type MoneyMovement = z.infer<typeof MoneyMovement>;

export const OfflinePaymentResult = z.object({
  payment: MoneyMovement,
  milestone: MilestoneWithMoney,
});
export const RefundResult = z.object({ refund: MoneyMovement, milestone: MilestoneWithMoney });
export const MilestoneWithMoneyEnvelope = z.object({ milestone: MilestoneWithMoney });

export const ProjectDetailWithMoney = z.object({
  project: Project,
  milestones: z.array(MilestoneWithMoney),
  payments: z.array(MoneyMovement),
});
export type ProjectDetailWithMoney = z.infer<typeof ProjectDetailWithMoney>;

export const PortalProjectWithMoney = PortalProject.extend({
  milestones: z.array(MilestoneWithMoney),
});

export const Receipt = z.object({
  id: z.string().min(1),
  number: z.number().int().min(1),
  label: z.string().regex(/^R-\d{6,}$/),
  projectId: z.string().min(1),
  projectTitle: z.string(),
  milestoneId: z.string().min(1),
  milestonePosition: z.number().int().min(1),
  milestoneTitle: z.string(),
  amountMinor: minor,
  currency: z.string().length(3),
  method: z.string().min(1),
  receivedOn: isoDate,
  createdAt: isoTimestamp,
});
export type Receipt = z.infer<typeof Receipt>;
export const ReceiptList = z.object({ receipts: z.array(Receipt) });

export const PaymentSettings = z.object({
  stripe: z.object({
    configured: z.boolean(),
    source: z.enum(['own', 'operator']).nullable(),
    mode: z.enum(['test', 'live']).nullable(),
    webhookUrl: z.string().nullable(),
    webhookSecretSet: z.boolean(),
    account: z.object({ id: z.string(), name: z.string() }).nullable(),
  }),
  mail: z.object({ transport: z.enum(['smtp', 'outbox']) }),
});
export type PaymentSettings = z.infer<typeof PaymentSettings>;

export const TestEmailSent = z.object({
  sentTo: z.string(),
  transport: z.enum(['smtp', 'outbox']),
});

/** GET /api/mail/outbox: mail not sent yet — never its body. */
export const UnsentMail = z.strictObject({
  id: z.string(),
  kind: z.enum(['receipt', 'delivery', 'password_reset', 'invitation']),
  to: z.string(),
  subject: z.string(),
  state: z.enum(['pending', 'failing', 'failed']),
  attempts: z.number().int().min(0),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UnsentMail = z.infer<typeof UnsentMail>;
export const MailOutbox = z.object({ messages: z.array(UnsentMail) });

export const CheckoutStarted = z.object({ url: z.string().url(), sessionId: z.string().min(1) });
export type CheckoutStarted = z.infer<typeof CheckoutStarted>;

export const WEBHOOK_OUTCOMES = [
  'credited',
  'flagged',
  'refunded',
  'recorded',
  'duplicate',
  'ignored',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];
export const WebhookAck = z.object({
  received: z.literal(true),
  outcome: z.enum(WEBHOOK_OUTCOMES),
});
