/**
 * "Share with client" by email: the portal link and the access code, with the freelancer's name
 * on it, in the client's language. It carries both secrets: the outbox drops its template once
 * it is sent.
 */
import { Text } from '@react-email/text';
import type { Translator } from '../../i18n';
import { Action, Layout, Paragraph, styles, tr, U } from './layout';
import { invitationSubject } from '../subjects';

export interface InvitationMailInput {
  freelancer: { name: string; email: string; businessName: string };
  client: { name: string; email: string };
  /** id: for the record line (mail queued before it was carried has none). */
  project: { id?: string; title: string };
  /** The portal link with the access token, and the code to type at the portal. */
  link: string;
  code: string;
}

export function invitationMail(t: Translator, input: InvitationMailInput & { publicUrl: string }) {
  const { freelancer } = input;
  const subject = invitationSubject(t, input);
  const from =
    freelancer.businessName.trim() === '' ? (
      <U>{freelancer.name}</U>
    ) : (
      tr(t, 'mail.invitation.fromBusiness', {
        name: <U>{freelancer.name}</U>,
        business: <U>{freelancer.businessName}</U>,
      })
    );
  return (
    <Layout
      t={t}
      preview={subject}
      footer={tr(t, 'mail.footer.forClient', { freelancer: <U>{freelancer.name}</U> })}
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.client.name}</U> })}</Paragraph>
      <Paragraph>
        {tr(t, 'mail.invitation.intro', { from, project: <U>{input.project.title}</U> })}
      </Paragraph>
      <Action t={t} href={input.link} label={t.t('mail.button.openProject')} />
      <Paragraph>{t.t('mail.invitation.code', { portal: `${input.publicUrl}/portal` })}</Paragraph>
      <Text style={{ ...styles.text, fontFamily: 'monospace', fontSize: '18px' }}>
        {input.code}
      </Text>
      <Paragraph>{t.t('mail.invitation.secret')}</Paragraph>
    </Layout>
  );
}
