/**
 * A receipt, to the client and to the freelancer, each in their language and with their link:
 * the client's to the milestone in the portal (its files, unlocked once paid in full), the
 * freelancer's to the project. The PDF is attached by the mail worker; checksums stay in it.
 */
import type { ReceiptSnapshot } from '../../domain/receipt';
import { receiptLabel } from '../../domain/receipt';
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, partyFooter, styles, tr, U } from './layout';
import { receiptSubject } from '../subjects';

export interface ReceiptMailInput {
  publicUrl: string;
  audience: 'client' | 'freelancer';
  snapshot: ReceiptSnapshot;
  projectId: string;
  milestoneId: string;
}

export function receiptMail(t: Translator, input: ReceiptMailInput) {
  const { snapshot: s, audience } = input;
  const label = receiptLabel(s.number);
  const amount = t.money(s.payment.amountMinor, s.payment.currency);
  const subject = receiptSubject(t, s);
  const paidInFull = s.balance.outstandingMinor <= 0;
  const href =
    audience === 'client'
      ? mailLinks.portalMilestone(input.publicUrl, input.milestoneId)
      : mailLinks.project(input.publicUrl, input.projectId);
  const buttonLabel =
    audience === 'freelancer'
      ? t.t('mail.button.openProject')
      : paidInFull && s.files.length > 0
        ? t.t('mail.button.download')
        : t.t('mail.button.openMilestone');
  const facts = {
    amount,
    date: t.date(s.payment.receivedOn),
    position: s.milestone.position,
    milestone: <U>{s.milestone.title}</U>,
    project: <U>{s.project.title}</U>,
  };
  const element = (
    <Layout
      t={t}
      preview={subject}
      footer={partyFooter(t, audience, s.freelancer.name, input.publicUrl)}
    >
      <Paragraph>
        {tr(t, 'mail.greeting', {
          name: <U>{audience === 'client' ? s.client.name : s.freelancer.name}</U>,
        })}
      </Paragraph>
      <Paragraph>
        {audience === 'client'
          ? tr(t, 'mail.receipt.toClient', { ...facts, freelancer: <U>{s.freelancer.name}</U> })
          : tr(t, 'mail.receipt.toFreelancer', { ...facts, client: <U>{s.client.name}</U> })}
      </Paragraph>
      <ul style={styles.list}>
        <li>
          {t.t('mail.receipt.method', {
            method: t.t('payment.method', { method: s.payment.method }),
          })}
        </li>
        {s.payment.reference !== '' && (
          <li>{tr(t, 'mail.receipt.reference', { reference: <U>{s.payment.reference}</U> })}</li>
        )}
      </ul>
      <Paragraph>
        {paidInFull
          ? t.t('mail.receipt.paidInFull')
          : t.t('mail.receipt.outstanding', {
              amount: t.money(s.balance.outstandingMinor, s.payment.currency),
            })}{' '}
        {t.t('mail.receipt.attached', { label })}
      </Paragraph>
      <Action t={t} href={href} label={buttonLabel} />
    </Layout>
  );
  return element;
}
