/**
 * The subject of every templated mail: plain text, no React, so the server can address and
 * queue mail without loading the templates (rendered in the mail render worker).
 */
import { receiptLabel, type ReceiptSnapshot } from '../domain/receipt';
import type { Translator } from '../i18n';
import type { ChangeOrderMailInput } from './templates/change-order';
import type { DeliveryMailInput } from './templates/delivery';
import type { DisputeMailInput } from './templates/dispute';
import type { FreelancerNoticeInput } from './templates/freelancer-notice';
import type { InvitationMailInput } from './templates/invitation';
import type { MessagesMailInput } from './templates/messages';
import type { MilestoneReviewInput } from './templates/milestone-review';
import type { PaymentReminderInput } from './templates/payment-reminder';
import type { ReviewReminderInput } from './templates/review-reminder';
import type { UploadsMailInput } from './templates/uploads';

export function changeOrderSubject(t: Translator, input: ChangeOrderMailInput): string {
  return t.t(`mail.changeOrder.${input.event}.subject`, {
    freelancer: input.freelancer.name,
    client: input.client.name,
    project: input.project.title,
    number: input.order.number,
  });
}

export function deliverySubject(t: Translator, input: DeliveryMailInput): string {
  return t.t('mail.delivery.subject', {
    freelancer: input.freelancer.name,
    milestone: input.milestone.title,
    project: input.project.title,
  });
}

export function disputeSubject(t: Translator, input: DisputeMailInput): string {
  return t.t(`mail.dispute.${input.event}.subject`, {
    milestone: input.milestone.title,
    project: input.project.title,
  });
}

export function freelancerNoticeSubject(t: Translator, input: FreelancerNoticeInput): string {
  const values = { client: input.client.name, project: input.project.title };
  switch (input.notice) {
    case 'client_visit':
      return t.t('mail.notice.visit.subject', values);
    case 'terms_accepted':
      return t.t('mail.notice.terms.subject', values);
    case 'downloads':
      return t.t('mail.notice.downloads.subject', values);
  }
}

export function invitationSubject(t: Translator, input: InvitationMailInput): string {
  return t.t('mail.invitation.subject', {
    freelancer: input.freelancer.name,
    project: input.project.title,
  });
}

export function messagesSubject(t: Translator, input: MessagesMailInput): string {
  return t.t('mail.messages.subject', {
    count: input.unread,
    sender: input.sender,
    project: input.project.title,
  });
}

export function milestoneReviewSubject(t: Translator, input: MilestoneReviewInput): string {
  const values = {
    client: input.client.name,
    milestone: input.milestone.title,
    project: input.project.title,
  };
  return input.outcome === 'approved'
    ? t.t('mail.review.approved.subject', values)
    : t.t('mail.review.revision.subject', values);
}

export function paymentReminderSubject(t: Translator, input: PaymentReminderInput): string {
  return t.t(input.type === 'reminder' ? 'mail.reminder.subject' : 'mail.overdue.subject', {
    milestone: input.milestone.title,
    amount: t.money(input.outstandingMinor, input.currency),
    project: input.project.title,
  });
}

export function receiptSubject(t: Translator, s: ReceiptSnapshot): string {
  return t.t('mail.receipt.subject', {
    label: receiptLabel(s.number),
    amount: t.money(s.payment.amountMinor, s.payment.currency),
    project: s.project.title,
  });
}

export function reviewReminderSubject(t: Translator, input: ReviewReminderInput): string {
  return t.t('mail.reviewReminder.subject', {
    milestone: input.milestone.title,
    project: input.project.title,
  });
}

export function uploadsSubject(t: Translator, input: UploadsMailInput): string {
  return t.t('mail.uploads.subject', {
    freelancer: input.freelancer.name,
    count: input.files.length,
    milestone: input.milestone.title,
    project: input.project.title,
  });
}
