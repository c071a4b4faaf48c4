/**
 * Unread messages of one thread, to the person who has not read them (by their read marker when
 * the mail fell due): the newest few in full, people's text as text in <bdi>.
 */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, partyFooter, styles, tr, U } from './layout';
import { messagesSubject } from '../subjects';

export interface MessagesMailInput {
  audience: 'client' | 'freelancer';
  to: { name: string; email: string };
  freelancer: { name: string; email: string };
  /** Who wrote them: the client's or the freelancer's name. */
  sender: string;
  project: { id: string; title: string };
  /** null: the general thread. */
  milestone: { id: string; position: number; title: string } | null;
  /** The newest unread ones, oldest first (each cut to 1,000 characters). */
  messages: readonly { text: string; at: string }[];
  /** How many are unread in all. */
  unread: number;
}

export function messagesMail(t: Translator, input: MessagesMailInput & { publicUrl: string }) {
  const href =
    input.audience === 'freelancer'
      ? mailLinks.project(input.publicUrl, input.project.id)
      : input.milestone
        ? mailLinks.portalMilestone(input.publicUrl, input.milestone.id)
        : mailLinks.portal(input.publicUrl);
  const where = input.milestone
    ? tr(t, 'mail.messages.inMilestone', {
        position: input.milestone.position,
        milestone: <U>{input.milestone.title}</U>,
        project: <U>{input.project.title}</U>,
      })
    : tr(t, 'mail.messages.inGeneral', { project: <U>{input.project.title}</U> });
  return (
    <Layout
      t={t}
      preview={messagesSubject(t, input)}
      footer={partyFooter(t, input.audience, input.freelancer.name, input.publicUrl)}
    >
      <Paragraph>{tr(t, 'mail.greeting', { name: <U>{input.to.name}</U> })}</Paragraph>
      <Paragraph>
        {tr(t, 'mail.messages.intro', {
          count: input.unread,
          sender: <U>{input.sender}</U>,
          where: <>{where}</>,
        })}
      </Paragraph>
      {input.messages.map((m, i) => (
        <Paragraph key={i}>
          <span style={styles.muted}>{t.date(m.at)}</span>
          <br />
          <U>{m.text}</U>
        </Paragraph>
      ))}
      {input.unread > input.messages.length && (
        <Paragraph>
          {t.t('mail.messages.more', { count: input.unread - input.messages.length })}
        </Paragraph>
      )}
      <Action t={t} href={href} label={t.t('mail.messages.button')} />
    </Layout>
  );
}
