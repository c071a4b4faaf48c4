/**
 * A dispute's news, to the other party: opened (by them or by a card chargeback), a statement, a
 * proposed resolution, accepted, declined, escalated to the mediator, or withdrawn. The text of
 * the step is quoted; the resolution is spelled out, and once accepted what it changed; no money
 * moves through Milepost.
 */
import { Text } from '@react-email/text';
import type { AppliedResolution } from '../../domain/dispute';
import type { Translator } from '../../i18n';
import { mailLinks } from '../links';
import { Action, Layout, Paragraph, partyFooter, styles, tr, U } from './layout';
import { disputeSubject } from '../subjects';

export type DisputeMailEvent =
  'opened' | 'statement' | 'propose' | 'accept' | 'decline' | 'escalate' | 'withdraw';

export interface DisputeMailInput {
  event: DisputeMailEvent;
  /** Who the mail goes to (the other party of the step). */
  to: 'client' | 'freelancer';
  /** The step came from a card chargeback reported by Stripe. */
  chargeback: boolean;
  freelancer: { name: string; email: string };
  client: { name: string; email: string };
  project: { id: string; title: string };
  milestone: { id: string; position: number; title: string };
  text: string;
  resolution:
    | { kind: 'revision'; dueDate: string }
    | { kind: 'partial_refund'; amountMinor: number }
    | { kind: 'split'; clientPaysMinor: number }
    | { kind: 'withdraw' }
    | null;
  /** What accepting the resolution changed; null for every other step. */
  applied?: AppliedResolution | null;
  currency: string;
  /** The mediator named in the contract, for an escalation; '' when none was named. */
  mediator: string;
}

export function resolutionWords(
  t: Translator,
  resolution: NonNullable<DisputeMailInput['resolution']>,
  currency: string,
): string {
  switch (resolution.kind) {
    case 'revision':
      return t.t('mail.dispute.resolution.revision', { date: t.date(resolution.dueDate) });
    case 'partial_refund':
      return t.t('mail.dispute.resolution.partialRefund', {
        amount: t.money(resolution.amountMinor, currency),
      });
    case 'split':
      return t.t('mail.dispute.resolution.split', {
        amount: t.money(resolution.clientPaysMinor, currency),
      });
    case 'withdraw':
      return t.t('mail.dispute.resolution.withdraw');
  }
}

/** What an accepted resolution changed, in words; '' when it changed nothing. */
export function appliedWords(
  t: Translator,
  applied: AppliedResolution | null | undefined,
  position: number,
  currency: string,
): string {
  if (!applied) return '';
  switch (applied.kind) {
    case 'reopened':
      return t.t('mail.dispute.applied.reopened', {
        position,
        date: t.date(applied.dueDate),
        version: applied.version ?? 0,
      });
    case 'repriced':
      return t.t('mail.dispute.applied.repriced', {
        position,
        before: t.money(applied.amountBeforeMinor, currency),
        amount: t.money(applied.amountMinor, currency),
        version: applied.version ?? 0,
      });
    case 'refund_due':
      return t.t('mail.dispute.applied.refundDue', {
        amount: t.money(applied.amountMinor, currency),
      });
    case 'none':
      return '';
  }
}

export function disputeMail(t: Translator, input: DisputeMailInput & { publicUrl: string }) {
  const toClient = input.to === 'client';
  const subject = disputeSubject(t, input);
  const by = toClient ? input.freelancer.name : input.client.name;
  return (
    <Layout
      t={t}
      preview={subject}
      footer={partyFooter(t, input.to, input.freelancer.name, input.publicUrl)}
    >
      <Paragraph>
        {tr(t, 'mail.greeting', {
          name: <U>{toClient ? input.client.name : input.freelancer.name}</U>,
        })}
      </Paragraph>
      <Paragraph>
        {tr(
          t,
          input.chargeback ? 'mail.dispute.chargeback.body' : `mail.dispute.${input.event}.body`,
          {
            by: <U>{by}</U>,
            position: input.milestone.position,
            milestone: <U>{input.milestone.title}</U>,
            project: <U>{input.project.title}</U>,
          },
        )}
      </Paragraph>
      {input.text !== '' && (
        <Text style={{ ...styles.text, whiteSpace: 'pre-wrap' }}>
          <U>{input.text}</U>
        </Text>
      )}
      {input.resolution !== null && (
        <Paragraph>{resolutionWords(t, input.resolution, input.currency)}</Paragraph>
      )}
      {appliedWords(t, input.applied, input.milestone.position, input.currency) !== '' && (
        <Paragraph>
          {appliedWords(t, input.applied, input.milestone.position, input.currency)}
        </Paragraph>
      )}
      {input.event === 'escalate' && (
        <Paragraph>
          {input.mediator === ''
            ? t.t('mail.dispute.mediatorUnnamed')
            : tr(t, 'mail.dispute.mediator', { mediator: <U>{input.mediator}</U> })}
        </Paragraph>
      )}
      <Paragraph>{t.t('mail.dispute.noMoney')}</Paragraph>
      <Action
        t={t}
        href={
          toClient
            ? mailLinks.portalMilestone(input.publicUrl, input.milestone.id)
            : mailLinks.project(input.publicUrl, input.project.id)
        }
        label={t.t('mail.dispute.button')}
      />
    </Layout>
  );
}
