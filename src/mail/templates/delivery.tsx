/** To the client when a milestone is delivered: what arrived, what to pay, where to pay it. */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, styles, tr, U } from './layout';
import { deliverySubject } from '../subjects';

export interface DeliveryMailInput {
  freelancer: { name: string; email: string };
  client: { name: string; email: string };
  project: { title: string };
  milestone: { id: string; position: number; title: string };
  files: readonly { name: string; size: number }[];
  /** Still to pay for the milestone (0: already paid). */
  outstandingMinor: number;
  currency: string;
}

export function deliveryMail(t: Translator, input: DeliveryMailInput & { publicUrl: string }) {
  const { freelancer, project, milestone, files } = input;
  const href = mailLinks.portalMilestone(input.publicUrl, milestone.id);
  const amount = t.money(input.outstandingMinor, input.currency);
  const subject = deliverySubject(t, input);
  const toPay = input.outstandingMinor > 0;
  const element = (
    <Layout
      t={t}
      preview={subject}
      footer={
        <>
          {tr(t, 'mail.portal.accessHint', { freelancer: <U>{freelancer.name}</U> })}{' '}
          {tr(t, 'mail.footer.forClient', { freelancer: <U>{freelancer.name}</U> })}
        </>
      }
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.client.name}</U> })}</Paragraph>
      <Paragraph>
        {tr(t, 'mail.delivery.intro', {
          freelancer: <U>{freelancer.name}</U>,
          position: milestone.position,
          milestone: <U>{milestone.title}</U>,
          project: <U>{project.title}</U>,
        })}
      </Paragraph>
      {files.length > 0 && (
        <>
          <Paragraph>{t.t('mail.delivery.files', { count: files.length })}</Paragraph>
          <ul style={styles.list}>
            {files.map((file, i) => (
              <li key={i}>
                <U>{file.name}</U>
                {` (${t.bytes(file.size)})`}
              </li>
            ))}
          </ul>
        </>
      )}
      {toPay ? (
        <>
          <Paragraph>
            {t.t('mail.delivery.toPay', { amount })}{' '}
            {t.t('mail.delivery.unlock', { count: files.length })}
          </Paragraph>
          <Action t={t} href={href} label={t.t('mail.button.pay', { amount })} />
        </>
      ) : (
        <>
          <Paragraph>{t.t('mail.delivery.alreadyPaid')}</Paragraph>
          <Action
            t={t}
            href={href}
            label={t.t(files.length > 0 ? 'mail.button.download' : 'mail.button.openMilestone')}
          />
        </>
      )}
    </Layout>
  );
  return element;
}
