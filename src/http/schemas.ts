/**
 * The shapes of the API, in zod: request fields with their limits, and the response objects.
 * Routes declare both, so input is checked, output is stripped to what is declared, and the
 * OpenAPI document is generated from the same source.
 */
import { z } from 'zod';
import { canonicalTimeZone } from '../domain/calendar';
import { SUPPORTED_LOCALES } from '../i18n/locales';
import { MILESTONE_STATUSES } from '../domain/milestone-sequence';
import { isCurrencyCode, MAX_AMOUNT_MINOR } from '../domain/money';
import {
  MAX_REVIEW_WINDOW_DAYS,
  MAX_REVISION_ROUNDS,
  MIN_REVIEW_WINDOW_DAYS,
} from '../domain/revisions';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { OFFLINE_METHODS } from '../actions/record-offline-payment';
import {
  normalizeLineBreaks,
  stripBidiControls,
  textProblem,
  type TextKind,
} from '../domain/text-rules';

export const id = z.uuid({ message: 'must be an id' });

/**
 * Any string from a request, held to the text rules of `src/domain/text-rules.ts`: one line
 * (names, titles, references: no control characters, bidirectional overrides stripped) or
 * multi-line prose (tab and line breaks allowed, CRLF read as LF). Every string field of a
 * request body is built from here, so none reaches the database with a NUL.
 */
export function plainString(kind: TextKind = 'single-line') {
  const base =
    kind === 'single-line'
      ? z.string().overwrite(stripBidiControls)
      : z.string().overwrite(normalizeLineBreaks);
  return base.check(refuseBadText(kind));
}

/** The text rules as a zod check, for strings that must not be rewritten (passwords, emails). */
function refuseBadText(kind: TextKind): z.core.CheckFn<string> {
  return (ctx) => {
    const problem = textProblem(ctx.value, kind);
    if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  };
}

/** One line of optional text: a name, a company, a reference. */
export const text = (max: number) =>
  plainString('single-line').max(max, `must be at most ${max} characters`);
/** One line of text that must not be blank (after trimming and removing bidi overrides). */
export const requiredText = (max: number) =>
  plainString('single-line')
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`);
/** Prose that may span lines: a description, deliverables, payment instructions. */
export const multilineText = (max: number) =>
  plainString('multi-line').max(max, `must be at most ${max} characters`);
export const email = z
  .email({ message: 'must be an email address' })
  .max(254)
  .check(refuseBadText('single-line'));
/** A new password: kept exactly as typed, but never with control characters. */
export const password = z
  .string()
  .check(refuseBadText('single-line'))
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
export const currency = z
  .string()
  .refine(isCurrencyCode, 'must be an ISO 4217 currency code in capitals, such as EUR or JPY');
export const amountMinor = z
  .number()
  .int('must be a whole number of minor units (cents, pence…)')
  .min(1, 'must be positive')
  .max(MAX_AMOUNT_MINOR, 'is too large');
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'is not a real calendar date');
/** An IANA time zone name, as the runtime spells it ("europe/berlin" → "Europe/Berlin"). */
export const timeZone = z
  .string()
  .max(64, 'must be at most 64 characters')
  .transform((value, ctx) => {
    const canonical = canonicalTimeZone(value);
    if (canonical === null) {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Berlin' });
      return z.NEVER;
    }
    return canonical;
  });
/** Rounds of revision a milestone includes (0–10). */
export const revisionRounds = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(MAX_REVISION_ROUNDS, `must be at most ${MAX_REVISION_ROUNDS}`);
/** Days after a delivery before the client is reminded to review it (1–90). */
export const reviewWindowDays = z
  .number()
  .int('must be a whole number of days')
  .min(MIN_REVIEW_WINDOW_DAYS, `must be at least ${MIN_REVIEW_WINDOW_DAYS} day`)
  .max(MAX_REVIEW_WINDOW_DAYS, `must be at most ${MAX_REVIEW_WINDOW_DAYS} days`);
export const tags = z.array(requiredText(40)).max(20, 'at most 20 tags');
export const offlineMethod = z.enum(OFFLINE_METHODS);

/** A 204 answer: in the OpenAPI document (and so the web's generated types) as "no body". */
export const noContent = { 204: z.undefined().describe('No content') };

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

/** A language Milepost speaks ("en", "de"): mail, receipts and the app in it. */
export const locale = z.enum(SUPPORTED_LOCALES, {
  message: `must be one of the supported languages: ${SUPPORTED_LOCALES.join(', ')}`,
});

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  businessName: z.string(),
  paymentInstructions: z.string(),
  timeZone: z.string(),
  locale,
});

export const clientView = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  company: z.string(),
  locale,
  taxId: z.string(),
  postalAddress: z.string(),
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const milestoneView = z.object({
  id: z.string(),
  position: z.number(),
  title: z.string(),
  deliverables: z.string(),
  dueDate: z.string(),
  amountMinor: z.number(),
  status: z.enum(MILESTONE_STATUSES),
  deliveredAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  /** "MP-7F3K9Q": made once when the milestone was created; the bank transfer's reference. */
  paymentReference: z.string(),
  /** Money received for it, less refunds, and what is still owed or was paid over. */
  receivedMinor: z.number(),
  refundedMinor: z.number(),
  outstandingMinor: z.number(),
  overpaidMinor: z.number(),
  refundedInFull: z.boolean(),
  /** A deposit: payable as soon as it opens, with nothing to deliver. */
  isDeposit: z.boolean(),
  /** Rounds of revision the contract includes, and how many the client has asked for. */
  revisionRounds: z.number(),
  revisionsUsed: z.number(),
  /** The open revision request (status open again until re-delivered); null when none. */
  revisionRequest: z.object({ note: z.string(), requestedAt: z.string() }).nullable(),
  /** When the client approved the delivery (paying counts as approval). */
  approvedAt: z.string().nullable(),
});

export const paymentView = z.object({
  id: z.string(),
  milestoneId: z.string(),
  amountMinor: z.number(),
  currency: z.string(),
  method: z.string(),
  reference: z.string(),
  receivedOn: z.string(),
  kind: z.enum(['payment', 'refund']),
  source: z.enum(['offline', 'stripe']),
  status: z.enum(['credited', 'flagged']),
  createdAt: z.string(),
});

const projectStatus = z.enum(['active', 'complete']);

export const projectView = z.object({
  id: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  clientEmail: z.string(),
  title: z.string(),
  currency: z.string(),
  projectType: z.string(),
  tags: z.array(z.string()),
  description: z.string(),
  totalMinor: z.number(),
  paidMinor: z.number(),
  status: projectStatus,
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  termsAcceptedAt: z.string().nullable(),
  /** The project's own offline payment instructions; empty: the freelancer's from Settings. */
  paymentInstructions: z.string(),
  /** Minutes spent on the project (analytics' hourly rate); null: not recorded. */
  hoursMinutes: z.number().nullable(),
  access: z.object({ active: z.boolean(), createdAt: z.string().nullable() }),
  /** Days after a delivery before the client is reminded to review it. */
  reviewWindowDays: z.number(),
  /** The project's own mediator; null: the freelancer's (or, once accepted, none named). */
  mediator: z.string().nullable(),
});

export const projectSummaryView = z.object({
  id: z.string(),
  title: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  currency: z.string(),
  totalMinor: z.number(),
  paidMinor: z.number(),
  awaitingPaymentMinor: z.number(),
  status: projectStatus,
  archivedAt: z.string().nullable(),
  milestoneCount: z.number(),
  currentMilestone: z
    .object({
      position: z.number(),
      title: z.string(),
      status: z.enum(MILESTONE_STATUSES),
      dueDate: z.string(),
    })
    .nullable(),
  createdAt: z.string(),
});

export const activityView = z.object({
  seq: z.number(),
  actorType: z.enum(['freelancer', 'client', 'system']),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  hash: z.string(),
});

export const ACTIVITY_PAGE_DEFAULT = 100;
export const ACTIVITY_PAGE_MAX = 500;

/** `?limit=&before=`: a page of the activity record, newest first from the cursor. */
export const activityPageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(ACTIVITY_PAGE_MAX)
    .default(ACTIVITY_PAGE_DEFAULT)
    .describe('Entries per page'),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31)
    .optional()
    .describe('A nextCursor from the previous page: entries older than it'),
});

export const activityPage = z.object({
  /** Oldest first within the page. */
  entries: z.array(activityView),
  /** The page's entries are intact and linked, back to the entry preceding the page. */
  chainValid: z.boolean(),
  /** Pass as `before` for the next older page; null at the start of the record. */
  nextCursor: z.string().nullable(),
});

/** How the client's portal presents the freelancer: their name, accent and logo. */
export const brandView = z.object({
  /** The display name: the one set for branding, else the business name, else the person's. */
  name: z.string(),
  /** #rrggbb; null: Milepost's own accent. */
  accentColor: z.string().nullable(),
  /** '#000000' or '#ffffff', whichever reads better on the accent; null with it. */
  accentTextColor: z.string().nullable(),
  /** Where the logo is served (changes with the logo); null: none set. */
  logoUrl: z.string().nullable(),
});

/** #rrggbb, stored in lower case. */
export const accentColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #RRGGBB, such as #1A6B52')
  .transform((v) => v.toLowerCase());

export const portalProjectView = z.object({
  id: z.string(),
  title: z.string(),
  currency: z.string(),
  description: z.string(),
  totalMinor: z.number(),
  paidMinor: z.number(),
  status: projectStatus,
  termsAcceptedAt: z.string().nullable(),
  /** Days after a delivery before the client is reminded to review it. */
  reviewWindowDays: z.number(),
  /** Archived: read-only for the client too (no terms to accept, nothing to pay). */
  archivedAt: z.string().nullable(),
  freelancer: z.object({ name: z.string(), businessName: z.string() }),
});

export const fileView = z.object({
  id: z.string(),
  milestoneId: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number(),
  sha256: z.string().nullable(),
  status: z.enum(['uploading', 'complete']),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** For the client: whether the file is unlocked (its milestone paid). */
  downloadable: z.boolean(),
  /** Replaced during a revision: kept and listed, but not part of the current delivery. */
  supersededAt: z.string().nullable(),
  supersededBy: z.string().nullable(),
});

/** A file's downloads by one downloader (kind and address) in one hour, merged. */
export const downloadView = z.object({
  id: z.string(),
  fileId: z.string(),
  fileName: z.string(),
  actorType: z.enum(['freelancer', 'client']),
  /** The downloader's address; IPv6 by its /64 (2001:db8:1:2::/64). */
  address: z.string(),
  via: z.enum(['stream', 'presigned']),
  firstAt: z.string(),
  lastAt: z.string(),
  /** Requests merged into this row (ranges, resumes and repeats; signed links issued). */
  requests: z.number(),
  /** Bytes that left the server over those requests (0 for signed links). */
  bytes: z.number(),
  /** Requests that sent every byte of the file. */
  completions: z.number(),
});

export const receiptView = z.object({
  id: z.string(),
  number: z.number(),
  label: z.string(),
  projectId: z.string(),
  projectTitle: z.string(),
  milestoneId: z.string(),
  milestonePosition: z.number(),
  milestoneTitle: z.string(),
  amountMinor: z.number(),
  currency: z.string(),
  method: z.string(),
  receivedOn: z.string(),
  createdAt: z.string(),
});
