/** "Forgot password": the single-use link, in the freelancer's language. */
import type { Translator } from '../../i18n';
import { Action, Layout, Paragraph, tr, U } from './layout';

export function passwordResetMail(
  t: Translator,
  input: { publicUrl: string; name: string; link: string; validMinutes: number },
) {
  const subject = t.t('mail.passwordReset.subject');
  const element = (
    <Layout
      t={t}
      preview={subject}
      footer={t.t('mail.footer.forFreelancer', { instance: input.publicUrl })}
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.name}</U> })}</Paragraph>
      <Paragraph>{t.t('mail.passwordReset.intro')}</Paragraph>
      <Paragraph>{t.t('mail.passwordReset.action', { minutes: input.validMinutes })}</Paragraph>
      <Action t={t} href={input.link} label={t.t('mail.passwordReset.button')} />
      <Paragraph>{t.t('mail.passwordReset.once')}</Paragraph>
      <Paragraph>{t.t('mail.passwordReset.ignore')}</Paragraph>
    </Layout>
  );
  return element;
}
