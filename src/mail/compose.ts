/**
 * Every mail Milepost sends, as React Email templates rendered to HTML with a plain-text
 * alternative, in the recipient's language. Mail to a client goes out as "<Freelancer> via
 * Milepost" from the instance's address with the freelancer as Reply-To; mail to the freelancer
 * as Milepost itself.
 *
 * Rendering takes milliseconds of CPU, so mail queued inside a transaction stores only its
 * template and data (`MailTemplate`, JSON) with the subject and envelope; the mail worker renders
 * it outside any transaction. Mail queued outside one is rendered before it is queued.
 */
import { render, toPlainText } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import type { ReceiptSnapshot } from '../domain/receipt';
import { translator, type Locale, type Translator } from '../i18n';
import { deliveryMail, deliverySubject, type DeliveryMailInput } from './templates/delivery';
import { passwordResetMail } from './templates/password-reset';
import {
  invitationMail,
  invitationSubject,
  type InvitationMailInput,
} from './templates/invitation';
import { receiptMail, receiptSubject } from './templates/receipt';
import { PlainText, RecordHead, UnsubscribeLink } from './templates/layout';
import {
  freelancerNoticeMail,
  freelancerNoticeSubject,
  type FreelancerNoticeInput,
} from './templates/freelancer-notice';
import { messagesMail, messagesSubject, type MessagesMailInput } from './templates/messages';
import {
  paymentReminderMail,
  paymentReminderSubject,
  type PaymentReminderInput,
} from './templates/payment-reminder';
import { uploadsMail, uploadsSubject, type UploadsMailInput } from './templates/uploads';
import { testEmail } from './templates/test-email';
import {
  changeOrderMail,
  changeOrderSubject,
  type ChangeOrderMailInput,
} from './templates/change-order';
import {
  milestoneReviewMail,
  milestoneReviewSubject,
  type MilestoneReviewInput,
} from './templates/milestone-review';
import { disputeMail, disputeSubject, type DisputeMailInput } from './templates/dispute';
import {
  reviewReminderMail,
  reviewReminderSubject,
  type ReviewReminderInput,
} from './templates/review-reminder';

/** A template and its data, everything it shows (PUBLIC_URL is added when rendering). */
export type MailTemplate =
  | { name: 'delivery'; locale: Locale; input: DeliveryMailInput }
  | {
      name: 'receipt';
      locale: Locale;
      input: {
        audience: 'client' | 'freelancer';
        snapshot: ReceiptSnapshot;
        projectId: string;
        milestoneId: string;
      };
    }
  | { name: 'uploads'; locale: Locale; input: UploadsMailInput }
  | { name: 'messages'; locale: Locale; input: MessagesMailInput }
  | { name: 'freelancer-notice'; locale: Locale; input: FreelancerNoticeInput }
  | { name: 'payment-reminder'; locale: Locale; input: PaymentReminderInput }
  | { name: 'invitation'; locale: Locale; input: InvitationMailInput }
  | { name: 'change-order'; locale: Locale; input: ChangeOrderMailInput }
  | { name: 'milestone-review'; locale: Locale; input: MilestoneReviewInput }
  | { name: 'review-reminder'; locale: Locale; input: ReviewReminderInput }
  | { name: 'dispute'; locale: Locale; input: DisputeMailInput };

export interface MailEnvelope {
  to: string;
  subject: string;
  /** The sender's display name; null: MAIL_FROM's own. */
  fromName: string | null;
  replyTo: string | null;
}

export interface RenderedBody {
  html: string;
  text: string;
}

export type ComposedMail = MailEnvelope & RenderedBody;

interface Person {
  name: string;
  email: string;
  locale: Locale;
}

/** The HTML, and the text alternative from the same template (links spelled out, unwrapped). */
async function renderElement(
  element: ReactElement,
  unsubscribeUrl?: string,
  recordHead?: string,
): Promise<RenderedBody> {
  const framed = createElement(
    RecordHead.Provider,
    { value: recordHead },
    createElement(UnsubscribeLink.Provider, { value: unsubscribeUrl }, element),
  );
  const [html, textHtml] = await Promise.all([
    render(createElement(PlainText.Provider, { value: false }, framed)),
    render(createElement(PlainText.Provider, { value: true }, framed)),
  ]);
  return { html, text: toPlainText(textHtml, { wordwrap: false }).trim() + '\n' };
}

/** From the freelancer (through Milepost) to their client. */
function fromFreelancer(t: Translator, freelancer: { name: string; email: string }) {
  return {
    fromName:
      freelancer.name.trim() === '' ? null : t.t('mail.from.via', { name: freelancer.name }),
    replyTo: freelancer.email === '' ? null : freelancer.email,
  };
}

/** Subject and envelope of a template's mail: cheap, fit to run inside a transaction. */
export function envelopeOf(template: MailTemplate): MailEnvelope {
  const t = translator(template.locale);
  switch (template.name) {
    case 'delivery': {
      const { input } = template;
      return {
        to: input.client.email,
        subject: deliverySubject(t, input),
        ...fromFreelancer(t, input.freelancer),
      };
    }
    case 'receipt': {
      const { snapshot, audience } = template.input;
      const subject = receiptSubject(t, snapshot);
      return audience === 'client'
        ? { to: snapshot.client.email, subject, ...fromFreelancer(t, snapshot.freelancer) }
        : { to: snapshot.freelancer.email, subject, fromName: null, replyTo: null };
    }
    case 'uploads': {
      const { input } = template;
      return {
        to: input.client.email,
        subject: uploadsSubject(t, input),
        ...fromFreelancer(t, input.freelancer),
      };
    }
    case 'messages': {
      const { input } = template;
      const subject = messagesSubject(t, input);
      return input.audience === 'client'
        ? { to: input.to.email, subject, ...fromFreelancer(t, input.freelancer) }
        : { to: input.to.email, subject, fromName: null, replyTo: null };
    }
    case 'freelancer-notice': {
      const { input } = template;
      return {
        to: input.freelancer.email,
        subject: freelancerNoticeSubject(t, input),
        fromName: null,
        replyTo: null,
      };
    }
    case 'payment-reminder': {
      const { input } = template;
      return {
        to: input.client.email,
        subject: paymentReminderSubject(t, input),
        ...fromFreelancer(t, input.freelancer),
      };
    }
    case 'review-reminder': {
      const { input } = template;
      return {
        to: input.client.email,
        subject: reviewReminderSubject(t, input),
        ...fromFreelancer(t, input.freelancer),
      };
    }
    case 'invitation': {
      const { input } = template;
      return {
        to: input.client.email,
        subject: invitationSubject(t, input),
        ...fromFreelancer(t, input.freelancer),
      };
    }
    case 'change-order': {
      const { input } = template;
      const subject = changeOrderSubject(t, input);
      return input.event === 'proposed' || input.event === 'withdrawn'
        ? { to: input.client.email, subject, ...fromFreelancer(t, input.freelancer) }
        : { to: input.freelancer.email, subject, fromName: null, replyTo: null };
    }
    case 'dispute': {
      const { input } = template;
      const subject = disputeSubject(t, input);
      return input.to === 'client'
        ? { to: input.client.email, subject, ...fromFreelancer(t, input.freelancer) }
        : { to: input.freelancer.email, subject, fromName: null, replyTo: null };
    }
    case 'milestone-review': {
      const { input } = template;
      return {
        to: input.freelancer.email,
        subject: milestoneReviewSubject(t, input),
        fromName: null,
        replyTo: null,
      };
    }
  }
}

/**
 * The project a mail to the client is about — by its id, or by one of its milestones — so it
 * carries the project's record line; null for mail to the freelancer (and for mail queued
 * without the project's id).
 */
export function clientRecordOf(
  template: MailTemplate,
): { projectId: string } | { milestoneId: string } | null {
  switch (template.name) {
    case 'delivery':
    case 'uploads':
    case 'payment-reminder':
    case 'review-reminder':
      return { milestoneId: template.input.milestone.id };
    case 'receipt':
      return template.input.audience === 'client' ? { projectId: template.input.projectId } : null;
    case 'messages':
      return template.input.audience === 'client' ? { projectId: template.input.project.id } : null;
    case 'invitation':
      return template.input.project.id === undefined
        ? null
        : { projectId: template.input.project.id };
    case 'change-order':
      return template.input.event === 'proposed' || template.input.event === 'withdrawn'
        ? { projectId: template.input.project.id }
        : null;
    case 'dispute':
      return template.input.to === 'client' ? { projectId: template.input.project.id } : null;
    case 'freelancer-notice':
    case 'milestone-review':
      return null;
  }
}

/**
 * The template's HTML and text, with links under `publicUrl`; a notification mail also links to
 * its one-click unsubscribe page, and a mail to the client carries `recordHead`, the project's
 * activity chain head when it is rendered.
 */
export function renderTemplate(
  template: MailTemplate,
  publicUrl: string,
  unsubscribeUrl?: string,
  recordHead?: string,
): Promise<RenderedBody> {
  const t = translator(template.locale);
  const out = (element: ReactElement) => renderElement(element, unsubscribeUrl, recordHead);
  switch (template.name) {
    case 'delivery':
      return out(deliveryMail(t, { ...template.input, publicUrl }));
    case 'receipt':
      return out(receiptMail(t, { ...template.input, publicUrl }));
    case 'uploads':
      return out(uploadsMail(t, { ...template.input, publicUrl }));
    case 'messages':
      return out(messagesMail(t, { ...template.input, publicUrl }));
    case 'freelancer-notice':
      return out(freelancerNoticeMail(t, { ...template.input, publicUrl }));
    case 'payment-reminder':
      return out(paymentReminderMail(t, { ...template.input, publicUrl }));
    case 'invitation':
      return out(invitationMail(t, { ...template.input, publicUrl }));
    case 'change-order':
      return out(changeOrderMail(t, { ...template.input, publicUrl }));
    case 'milestone-review':
      return out(milestoneReviewMail(t, { ...template.input, publicUrl }));
    case 'review-reminder':
      return out(reviewReminderMail(t, { ...template.input, publicUrl }));
    case 'dispute':
      return out(disputeMail(t, { ...template.input, publicUrl }));
  }
}

/** A template's whole message, rendered now (tests, previews). */
export async function composeTemplate(
  template: MailTemplate,
  publicUrl: string,
  unsubscribeUrl?: string,
): Promise<ComposedMail> {
  return {
    ...envelopeOf(template),
    ...(await renderTemplate(template, publicUrl, unsubscribeUrl)),
  };
}

export async function composeTestEmail(input: {
  publicUrl: string;
  freelancer: Person;
}): Promise<ComposedMail> {
  const t = translator(input.freelancer.locale);
  return {
    to: input.freelancer.email,
    subject: t.t('mail.test.subject'),
    fromName: null,
    replyTo: null,
    ...(await renderElement(
      testEmail(t, { publicUrl: input.publicUrl, name: input.freelancer.name }),
    )),
  };
}

export async function composePasswordResetMail(input: {
  publicUrl: string;
  freelancer: Person;
  link: string;
  validMinutes: number;
}): Promise<ComposedMail> {
  const t = translator(input.freelancer.locale);
  return {
    to: input.freelancer.email,
    subject: t.t('mail.passwordReset.subject'),
    fromName: null,
    replyTo: null,
    ...(await renderElement(
      passwordResetMail(t, {
        publicUrl: input.publicUrl,
        name: input.freelancer.name,
        link: input.link,
        validMinutes: input.validMinutes,
      }),
    )),
  };
}
