/** Database rows into the API's views (camelCase, only what each caller may see). */
import type { z } from 'zod';
import type { ProjectSummaryRow, ProjectWithClient } from '../db/queries/projects';
import type {
  ClientRow,
  DownloadLogRow,
  FileRow,
  MilestoneRow,
  PaymentRow,
  ProjectRow,
  ReceiptRow,
  UserRow,
} from '../db/schema';
import { snapshotOf } from '../actions/send-receipt';
import { receiptLabel } from '../domain/receipt';
import { movementsOf } from '../actions/credit-payment';
import type { ChainedEntry } from '../domain/activity-chain';
import { balanceOf } from '../domain/payment-balance';
import { textColorOn } from '../domain/brand';
import type { LogoMeta } from '../db/queries/brand-logos';
import type {
  activityView,
  brandView,
  clientView,
  downloadView,
  fileView,
  milestoneView,
  paymentView,
  portalProjectView,
  projectSummaryView,
  projectView,
  receiptView,
  userView,
} from './schemas';

const sum = (milestones: MilestoneRow[], only?: MilestoneRow['status']): number =>
  milestones
    .filter((m) => !only || m.status === only)
    .reduce((total, m) => total + m.amount_minor, 0);

export const presentUser = (u: UserRow): z.infer<typeof userView> => ({
  timeZone: u.time_zone,
  locale: u.locale,
  id: u.id,
  email: u.email,
  name: u.name,
  businessName: u.business_name,
  paymentInstructions: u.payment_instructions,
});

export const presentClient = (c: ClientRow): z.infer<typeof clientView> => ({
  id: c.id,
  name: c.name,
  email: c.email,
  company: c.company,
  locale: c.locale,
  taxId: c.tax_id,
  postalAddress: c.postal_address,
  archivedAt: c.archived_at,
  createdAt: c.created_at,
});

export const presentMilestone = (
  m: MilestoneRow,
  payments: readonly PaymentRow[] = [],
): z.infer<typeof milestoneView> => {
  const balance = balanceOf(
    m.amount_minor,
    movementsOf(payments.filter((p) => p.milestone_id === m.id)),
    { paid: m.status === 'paid' },
  );
  return {
    id: m.id,
    position: m.position,
    title: m.title,
    deliverables: m.deliverables,
    dueDate: m.due_date,
    amountMinor: m.amount_minor,
    status: m.status,
    deliveredAt: m.delivered_at,
    paidAt: m.paid_at,
    paymentReference: m.payment_reference,
    receivedMinor: balance.receivedMinor,
    refundedMinor: balance.refundedMinor,
    outstandingMinor: balance.outstandingMinor,
    overpaidMinor: balance.overpaidMinor,
    refundedInFull: balance.refundedInFull,
    isDeposit: m.is_deposit === 1,
    revisionRounds: m.revision_rounds,
    revisionsUsed: m.revisions_used,
    revisionRequest:
      m.revision_note !== null && m.revision_requested_at !== null
        ? { note: m.revision_note, requestedAt: m.revision_requested_at }
        : null,
    approvedAt: m.approved_at,
  };
};

export const presentPayment = (p: PaymentRow): z.infer<typeof paymentView> => ({
  id: p.id,
  milestoneId: p.milestone_id,
  amountMinor: p.amount_minor,
  currency: p.currency,
  method: p.method,
  reference: p.reference,
  receivedOn: p.received_on,
  kind: p.kind,
  source: p.source,
  status: p.status,
  createdAt: p.created_at,
});

const parseTags = (json: string): string[] => {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
};

export const presentProject = (
  p: ProjectWithClient,
  milestones: MilestoneRow[],
): z.infer<typeof projectView> => ({
  id: p.id,
  clientId: p.client_id,
  clientName: p.client_name,
  clientEmail: p.client_email,
  title: p.title,
  currency: p.currency,
  projectType: p.project_type,
  tags: parseTags(p.tags),
  description: p.description,
  totalMinor: sum(milestones),
  paidMinor: sum(milestones, 'paid'),
  status: p.status,
  archivedAt: p.archived_at,
  createdAt: p.created_at,
  termsAcceptedAt: p.terms_accepted_at,
  paymentInstructions: p.payment_instructions,
  hoursMinutes: p.hours_minutes,
  access: { active: p.access_code_hash !== null, createdAt: p.access_created_at },
  reviewWindowDays: p.review_window_days,
  mediator: p.mediator,
});

export const presentProjectSummary = (
  s: ProjectSummaryRow,
  current: MilestoneRow | null,
): z.infer<typeof projectSummaryView> => ({
  id: s.id,
  title: s.title,
  clientId: s.client_id,
  clientName: s.client_name,
  currency: s.currency,
  totalMinor: s.total_minor,
  paidMinor: s.paid_minor,
  awaitingPaymentMinor: s.awaiting_minor,
  status: s.status,
  archivedAt: s.archived_at,
  milestoneCount: s.milestone_count,
  currentMilestone: current && {
    position: current.position,
    title: current.title,
    status: current.status,
    dueDate: current.due_date,
  },
  createdAt: s.created_at,
});

export const presentActivity = (e: ChainedEntry): z.infer<typeof activityView> => ({
  seq: e.seq,
  actorType: e.actorType as z.infer<typeof activityView>['actorType'],
  action: e.action,
  details: e.details,
  createdAt: e.createdAt,
  hash: e.hash,
});

/** The freelancer as the portal shows them; `logoPath` is the route the viewer may fetch. */
export const presentBrand = (
  u: UserRow,
  logo: LogoMeta | undefined,
  logoPath: string,
): z.infer<typeof brandView> => ({
  name: u.brand_name || u.business_name || u.name,
  accentColor: u.brand_accent,
  accentTextColor: u.brand_accent === null ? null : textColorOn(u.brand_accent),
  logoUrl: logo ? `${logoPath}?v=${logo.sha256.slice(0, 16)}` : null,
});

/** The offline payment instructions in force: the project's own, else the freelancer's. */
export const paymentInstructionsOf = (p: ProjectRow, freelancer: UserRow): string =>
  p.payment_instructions.trim() !== '' ? p.payment_instructions : freelancer.payment_instructions;

export const presentPortalProject = (
  p: ProjectRow,
  freelancer: UserRow,
  milestones: MilestoneRow[],
): z.infer<typeof portalProjectView> => ({
  id: p.id,
  title: p.title,
  currency: p.currency,
  description: p.description,
  totalMinor: sum(milestones),
  paidMinor: sum(milestones, 'paid'),
  status: p.status,
  termsAcceptedAt: p.terms_accepted_at,
  reviewWindowDays: p.review_window_days,
  archivedAt: p.archived_at,
  freelancer: { name: freelancer.name, businessName: freelancer.business_name },
});

export const presentFile = (f: FileRow, downloadable: boolean): z.infer<typeof fileView> => ({
  id: f.id,
  milestoneId: f.milestone_id,
  name: f.name,
  type: f.type,
  size: f.size,
  sha256: f.sha256,
  status: f.status,
  createdAt: f.created_at,
  completedAt: f.completed_at,
  downloadable,
  supersededAt: f.superseded_at,
  supersededBy: f.superseded_by,
});

export const presentDownload = (
  d: DownloadLogRow,
  fileName: string,
): z.infer<typeof downloadView> => ({
  id: d.id,
  fileId: d.file_id,
  fileName,
  actorType: d.actor_type,
  address: d.address,
  via: d.via,
  firstAt: d.first_at,
  lastAt: d.last_at,
  requests: Number(d.requests),
  bytes: Number(d.bytes),
  completions: Number(d.completions),
});

export const presentReceipt = (r: ReceiptRow): z.infer<typeof receiptView> => {
  const s = snapshotOf(r);
  return {
    id: r.id,
    number: r.number,
    label: receiptLabel(r.number),
    projectId: r.project_id,
    projectTitle: s.project.title,
    milestoneId: r.milestone_id,
    milestonePosition: s.milestone.position,
    milestoneTitle: s.milestone.title,
    amountMinor: s.payment.amountMinor,
    currency: s.payment.currency,
    method: s.payment.method,
    receivedOn: s.payment.receivedOn,
    createdAt: r.created_at,
  };
};
