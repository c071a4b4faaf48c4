/**
 * The templates rendered to HTML and their plain-text alternative (React Email). Only the mail
 * render worker (render-worker.ts) loads this module in the server: rendering costs tens of
 * milliseconds of CPU a mail, and react-dom/server turns on async hooks for the whole process it
 * runs in. Tests import it to render in their own thread (`inProcessRenderer`).
 */
import { render, toPlainText } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import { translator, type Translator } from '../i18n';
import type { RenderableMail } from './compose';
import type { MailRenderer, RenderedBody, RenderRequest } from './renderer';
import { changeOrderMail } from './templates/change-order';
import { deliveryMail } from './templates/delivery';
import { disputeMail } from './templates/dispute';
import { freelancerNoticeMail } from './templates/freelancer-notice';
import { invitationMail } from './templates/invitation';
import { PlainText, RecordHead, UnsubscribeLink } from './templates/layout';
import { messagesMail } from './templates/messages';
import { milestoneReviewMail } from './templates/milestone-review';
import { passwordResetMail } from './templates/password-reset';
import { paymentReminderMail } from './templates/payment-reminder';
import { receiptMail } from './templates/receipt';
import { reviewReminderMail } from './templates/review-reminder';
import { testEmail } from './templates/test-email';
import { uploadsMail } from './templates/uploads';

/** The HTML, and the text alternative from the same template (links spelled out, unwrapped). */
async function renderElement(
  element: ReactElement,
  unsubscribeUrl: string | undefined,
  recordHead: string | undefined,
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

function elementOf(t: Translator, mail: RenderableMail, publicUrl: string): ReactElement {
  switch (mail.name) {
    case 'delivery':
      return deliveryMail(t, { ...mail.input, publicUrl });
    case 'receipt':
      return receiptMail(t, { ...mail.input, publicUrl });
    case 'uploads':
      return uploadsMail(t, { ...mail.input, publicUrl });
    case 'messages':
      return messagesMail(t, { ...mail.input, publicUrl });
    case 'freelancer-notice':
      return freelancerNoticeMail(t, { ...mail.input, publicUrl });
    case 'payment-reminder':
      return paymentReminderMail(t, { ...mail.input, publicUrl });
    case 'invitation':
      return invitationMail(t, { ...mail.input, publicUrl });
    case 'change-order':
      return changeOrderMail(t, { ...mail.input, publicUrl });
    case 'milestone-review':
      return milestoneReviewMail(t, { ...mail.input, publicUrl });
    case 'review-reminder':
      return reviewReminderMail(t, { ...mail.input, publicUrl });
    case 'dispute':
      return disputeMail(t, { ...mail.input, publicUrl });
    case 'test-email':
      return testEmail(t, { ...mail.input, publicUrl });
    case 'password-reset':
      return passwordResetMail(t, { ...mail.input, publicUrl });
  }
}

/**
 * The mail's HTML and text, with links under `publicUrl`; a notification mail also links to its
 * one-click unsubscribe page, and a mail to the client carries `recordHead`, the project's
 * activity chain head when it is rendered.
 */
export function renderMail(request: RenderRequest): Promise<RenderedBody> {
  const { mail } = request;
  return renderElement(
    elementOf(translator(mail.locale), mail, request.publicUrl),
    request.unsubscribeUrl,
    request.recordHead,
  );
}

/** Renders in the calling thread: for tests, and for comparing with the worker. */
export const inProcessRenderer: MailRenderer = {
  render: renderMail,
  close: () => Promise.resolve(),
};
