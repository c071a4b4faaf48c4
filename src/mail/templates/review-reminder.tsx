/** To the client: a delivery has waited the contract's review window; approve it or ask for a revision. */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, tr, U } from './layout';
import { reviewReminderSubject } from '../subjects';

export interface ReviewReminderInput {
  freelancer: { name: string; email: string };
  client: { name: string; email: string };
  project: { title: string };
  milestone: { id: string; position: number; title: string };
  deliveredAt: string;
  /** The review window in days, as the contract states it. */
  days: number;
}

export function reviewReminderMail(
  t: Translator,
  input: ReviewReminderInput & { publicUrl: string },
) {
  const { freelancer, milestone } = input;
  return (
    <Layout
      t={t}
      preview={reviewReminderSubject(t, input)}
      footer={
        <>
          {tr(t, 'mail.portal.accessHint', { freelancer: <U>{freelancer.name}</U> })}{' '}
          {tr(t, 'mail.footer.forClient', { freelancer: <U>{freelancer.name}</U> })}
        </>
      }
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.client.name}</U> })}</Paragraph>
      <Paragraph>
        {tr(t, 'mail.reviewReminder.body', {
          freelancer: <U>{freelancer.name}</U>,
          position: milestone.position,
          milestone: <U>{milestone.title}</U>,
          project: <U>{input.project.title}</U>,
          delivered: t.date(input.deliveredAt.slice(0, 10)),
          days: input.days,
        })}
      </Paragraph>
      <Paragraph>{t.t('mail.reviewReminder.noMoney')}</Paragraph>
      <Action
        t={t}
        href={mailLinks.portalMilestone(input.publicUrl, milestone.id)}
        label={t.t('mail.reviewReminder.button')}
      />
    </Layout>
  );
}
