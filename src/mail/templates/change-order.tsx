/**
 * A change order's news, to the other party: proposed or withdrawn (to the client, from the
 * freelancer), accepted or declined (to the freelancer). Lists what changes and the new total.
 */
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, partyFooter, styles, tr, U } from './layout';
import { changeOrderSubject } from '../subjects';

export interface ChangeOrderMailInput {
  event: 'proposed' | 'withdrawn' | 'accepted' | 'declined';
  freelancer: { name: string; email: string };
  client: { name: string; email: string };
  project: { id: string; title: string };
  order: { number: number; reason: string; note: string | null };
  /** One line per changed milestone, already in words: "2. Design: €2,400.00 → €3,900.00". */
  lines: readonly string[];
  totalBeforeMinor: number;
  totalAfterMinor: number;
  currency: string;
}

export function changeOrderMail(
  t: Translator,
  input: ChangeOrderMailInput & { publicUrl: string },
) {
  const toClient = input.event === 'proposed' || input.event === 'withdrawn';
  const subject = changeOrderSubject(t, input);
  const values = {
    freelancer: <U>{input.freelancer.name}</U>,
    client: <U>{input.client.name}</U>,
    project: <U>{input.project.title}</U>,
    number: input.order.number,
  };
  return (
    <Layout
      t={t}
      preview={subject}
      footer={partyFooter(
        t,
        toClient ? 'client' : 'freelancer',
        input.freelancer.name,
        input.publicUrl,
      )}
    >
      <Paragraph>
        {tr(t, 'mail.greeting', {
          name: <U>{toClient ? input.client.name : input.freelancer.name}</U>,
        })}
      </Paragraph>
      <Paragraph>{tr(t, `mail.changeOrder.${input.event}.body`, values)}</Paragraph>
      <Paragraph>
        {tr(t, 'mail.changeOrder.reason', { reason: <U>{input.order.reason}</U> })}
      </Paragraph>
      <ul style={styles.list}>
        {input.lines.map((line, i) => (
          <li key={i}>
            <U>{line}</U>
          </li>
        ))}
      </ul>
      <Paragraph>
        {t.t('mail.changeOrder.total', {
          before: t.money(input.totalBeforeMinor, input.currency),
          after: t.money(input.totalAfterMinor, input.currency),
        })}
      </Paragraph>
      {input.order.note !== null && input.order.note !== '' && (
        <Paragraph>{tr(t, 'mail.changeOrder.note', { note: <U>{input.order.note}</U> })}</Paragraph>
      )}
      <Action
        t={t}
        href={
          toClient
            ? mailLinks.portal(input.publicUrl)
            : mailLinks.project(input.publicUrl, input.project.id)
        }
        label={t.t(toClient ? 'mail.changeOrder.review' : 'mail.button.openProject')}
      />
    </Layout>
  );
}
