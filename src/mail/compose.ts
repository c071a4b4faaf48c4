/**
 * Every mail Milepost sends, as React Email templates rendered to HTML with a plain-text
 * alternative, in the recipient's language. Mail to a client goes out as "<Freelancer> via
 * Milepost" from the instance's address with the freelancer as Reply-To; mail to the freelancer
 * as Milepost itself.
 *
 * Rendering takes milliseconds of CPU, so mail queued inside a transaction stores only its
 * template and data (`MailTemplate`, JSON) with the subject and envelope; the mail worker renders
 * it outside any transaction. Mail queued outside one is rendered before it is queued.
 *
 * This module only addresses mail (subjects, envelopes) and asks a `MailRenderer` for bodies:
 * it loads no template and no React, so the server's event loop never does; the templates are
 * rendered in a worker thread (renderer.ts, render.ts).
 */
import type { ReceiptSnapshot } from '../domain/receipt';
import { translator, type Locale, type Translator } from '../i18n';
import type { MailRenderer, RenderedBody } from './renderer';
import {
  changeOrderSubject,
  deliverySubject,
  disputeSubject,
  freelancerNoticeSubject,
  invitationSubject,
  messagesSubject,
  milestoneReviewSubject,
  paymentReminderSubject,
  receiptSubject,
  reviewReminderSubject,
  uploadsSubject,
} from './subjects';
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

export type { RenderedBody } from './renderer';

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

/** Mail rendered when it is sent or queued, never stored as a template. */
export type DirectMail =
  | { name: 'test-email'; locale: Locale; input: { name: string } }
  | {
      name: 'password-reset';
      locale: Locale;
      input: { name: string; link: string; validMinutes: number };
    };

/** Whatever a renderer renders: plain data, so it crosses to the render worker as it is. */
export type RenderableMail = MailTemplate | DirectMail;

export interface MailEnvelope {
  to: string;
  subject: string;
  /** The sender's display name; null: MAIL_FROM's own. */
  fromName: string | null;
  replyTo: string | null;
}

export type ComposedMail = MailEnvelope & RenderedBody;

interface Person {
  name: string;
  email: string;
  locale: Locale;
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

/** A template's whole message, rendered now (tests, previews). */
export async function composeTemplate(
  renderer: MailRenderer,
  template: MailTemplate,
  publicUrl: string,
  unsubscribeUrl?: string,
): Promise<ComposedMail> {
  return {
    ...envelopeOf(template),
    ...(await renderer.render({
      mail: template,
      publicUrl,
      ...(unsubscribeUrl !== undefined && { unsubscribeUrl }),
    })),
  };
}

export async function composeTestEmail(
  renderer: MailRenderer,
  input: { publicUrl: string; freelancer: Person },
): Promise<ComposedMail> {
  const { freelancer } = input;
  const t = translator(freelancer.locale);
  return {
    to: freelancer.email,
    subject: t.t('mail.test.subject'),
    fromName: null,
    replyTo: null,
    ...(await renderer.render({
      mail: { name: 'test-email', locale: freelancer.locale, input: { name: freelancer.name } },
      publicUrl: input.publicUrl,
    })),
  };
}

export async function composePasswordResetMail(
  renderer: MailRenderer,
  input: { publicUrl: string; freelancer: Person; link: string; validMinutes: number },
): Promise<ComposedMail> {
  const { freelancer } = input;
  const t = translator(freelancer.locale);
  return {
    to: freelancer.email,
    subject: t.t('mail.passwordReset.subject'),
    fromName: null,
    replyTo: null,
    ...(await renderer.render({
      mail: {
        name: 'password-reset',
        locale: freelancer.locale,
        input: { name: freelancer.name, link: input.link, validMinutes: input.validMinutes },
      },
      publicUrl: input.publicUrl,
    })),
  };
}
