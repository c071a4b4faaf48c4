/** Settings' "send a test email": proves the transport works, in the freelancer's language. */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, tr, U } from './layout';

export function testEmail(t: Translator, input: { publicUrl: string; name: string }) {
  const subject = t.t('mail.test.subject');
  const element = (
    <Layout
      t={t}
      preview={subject}
      footer={t.t('mail.footer.forFreelancer', { instance: input.publicUrl })}
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.name}</U> })}</Paragraph>
      <Paragraph>{t.t('mail.test.body', { instance: input.publicUrl })}</Paragraph>
      <Action
        t={t}
        href={mailLinks.settings(input.publicUrl)}
        label={t.t('mail.button.settings')}
      />
    </Layout>
  );
  return element;
}
