/**
 * What mail each person may get and when it is due: the kinds of notification mail per audience
 * (each can be switched off, defaults on), the quiet periods that batch uploads, downloads and
 * unread messages, and the payment reminder schedule of a delivered milestone. Pure rules.
 */
import { AppError } from './errors';

export const CLIENT_MAIL_KINDS = ['uploads', 'delivery', 'reminders', 'messages'] as const;
export const FREELANCER_MAIL_KINDS = [
  'client_visit',
  'terms_accepted',
  'payment',
  'downloads',
  'messages',
] as const;
export type ClientMailKind = (typeof CLIENT_MAIL_KINDS)[number];
export type FreelancerMailKind = (typeof FREELANCER_MAIL_KINDS)[number];
export type MailKindOf<A extends Audience> = A extends 'client'
  ? ClientMailKind
  : FreelancerMailKind;
export type Audience = 'freelancer' | 'client';

/** Whose choice a mail follows: a freelancer (subject: user id) or a project's client (project id). */
export type Subscription =
  | { audience: 'freelancer'; subjectId: string; kind: FreelancerMailKind }
  | { audience: 'client'; subjectId: string; kind: ClientMailKind };

export function isMailKind(audience: Audience, kind: string): boolean {
  return audience === 'client'
    ? (CLIENT_MAIL_KINDS as readonly string[]).includes(kind)
    : (FREELANCER_MAIL_KINDS as readonly string[]).includes(kind);
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The client's upload mail goes this long after the milestone's last finished upload. */
export const UPLOAD_QUIET_MS = 10 * MINUTE;
/** Unread messages are mailed this long after the first unseen one, then at most this often. */
export const CHAT_MAIL_MS = 10 * MINUTE;
/** The client's downloads are reported to the freelancer in one mail per this period. */
export const DOWNLOAD_BATCH_MS = 10 * MINUTE;
/** How long a scheduler instance holds a job it claimed before another may take it over. */
export const JOB_LEASE_MS = 5 * MINUTE;

export const DEFAULT_REMINDER_DAYS: readonly number[] = [3, 7, 14];
export const DEFAULT_PAYMENT_TERMS_DAYS = 14;
export const MAX_REMINDER_DAYS = 10;
export const MAX_DAY = 365;

/** Stored as "3,7,14"; an empty string is no reminders at all. */
export function parseReminderDays(stored: string): number[] {
  if (stored.trim() === '') return [];
  return stored
    .split(',')
    .map((s) => Number(s))
    .filter((n) => Number.isInteger(n) && n >= 1 && n <= MAX_DAY);
}

/** Validates a chosen list: whole days 1–365, at most 10, no repeats; returned sorted. */
export function reminderDays(days: readonly number[], field = 'days'): number[] {
  if (days.length > MAX_REMINDER_DAYS) {
    throw new AppError('VALIDATION_FAILED', `at most ${MAX_REMINDER_DAYS} reminder days`, {
      field,
    });
  }
  for (const day of days) {
    if (!Number.isInteger(day) || day < 1 || day > MAX_DAY) {
      throw new AppError('VALIDATION_FAILED', `reminder days are whole days from 1 to ${MAX_DAY}`, {
        field,
      });
    }
  }
  if (new Set(days).size !== days.length) {
    throw new AppError('VALIDATION_FAILED', 'each reminder day may be given once', { field });
  }
  return [...days].sort((a, b) => a - b);
}

export const formatReminderDays = (days: readonly number[]): string => days.join(',');

/**
 * The invoice's due date: delivery plus the payment terms. The overdue notice goes one day after
 * it (the first whole day the payment is late).
 */
export function paymentDueAt(deliveredAt: string, termsDays: number): Date {
  return new Date(new Date(deliveredAt).getTime() + termsDays * DAY);
}

export interface ReminderStep {
  type: 'reminder' | 'overdue';
  /** Days after delivery. */
  day: number;
  dueAt: string;
  /** Unique for this delivery: the step runs once, whatever happens. */
  key: string;
}

/** The reminders and the overdue notice of one delivery, in time order. */
export function reminderSchedule(input: {
  milestoneId: string;
  deliveredAt: string;
  days: readonly number[];
  termsDays: number;
}): ReminderStep[] {
  const start = new Date(input.deliveredAt).getTime();
  const steps: ReminderStep[] = input.days.map((day) => ({
    type: 'reminder',
    day,
    dueAt: new Date(start + day * DAY).toISOString(),
    key: `reminder:${input.milestoneId}:${input.deliveredAt}:${day}`,
  }));
  const overdueDay = input.termsDays + 1;
  steps.push({
    type: 'overdue',
    day: overdueDay,
    dueAt: new Date(start + overdueDay * DAY).toISOString(),
    key: `overdue:${input.milestoneId}:${input.deliveredAt}`,
  });
  return steps.sort((a, b) => a.day - b.day);
}
