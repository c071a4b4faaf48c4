/** To the client of a delivered, unpaid milestone: a reminder, or the notice that it is overdue. */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, tr, U } from './layout';
import { paymentReminderSubject } from '../subjects';

export interface PaymentReminderInput {
  type: 'reminder' | 'overdue';
  freelancer: { name: string; email: string };
  client: { name: string; email: string };
  project: { title: string };
  milestone: { id: string; position: number; title: string };
  outstandingMinor: number;
  currency: string;
  deliveredAt: string;
  /** The invoice's due date: delivery plus the freelancer's payment terms. */
  dueAt: string;
}

export function paymentReminderMail(
  t: Translator,
  input: PaymentReminderInput & { publicUrl: string },
) {
  const { freelancer, milestone } = input;
  const amount = t.money(input.outstandingMinor, input.currency);
  const facts = {
    freelancer: <U>{freelancer.name}</U>,
    position: milestone.position,
    milestone: <U>{milestone.title}</U>,
    project: <U>{input.project.title}</U>,
    amount,
    delivered: t.date(input.deliveredAt.slice(0, 10)),
    due: t.date(input.dueAt.slice(0, 10)),
  };
  return (
    <Layout
      t={t}
      preview={paymentReminderSubject(t, input)}
      footer={
        <>
          {tr(t, 'mail.portal.accessHint', { freelancer: <U>{freelancer.name}</U> })}{' '}
          {tr(t, 'mail.footer.forClient', { freelancer: <U>{freelancer.name}</U> })}
        </>
      }
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.client.name}</U> })}</Paragraph>
      <Paragraph>
        {tr(t, input.type === 'reminder' ? 'mail.reminder.body' : 'mail.overdue.body', facts)}
      </Paragraph>
      <Action
        t={t}
        href={mailLinks.portalMilestone(input.publicUrl, milestone.id)}
        label={t.t('mail.button.pay', { amount })}
      />
    </Layout>
  );
}
