/**
 * The dispute panel of a delivered or paid milestone (issue #11), the same for both parties:
 * open a dispute with a statement; on an active one, read every step, add a statement, propose a
 * resolution (a revision with a new due date, a partial refund, a split, withdrawing), accept or
 * decline the other party's proposal, escalate once to the mediator the contract names, or — the
 * opener — withdraw it. Loaded lazily with its own words (the portal's JS budget is tight).
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { chatApi, type ChatApi } from '../chat/chat-api';
import { AmountField } from '../components/AmountField';
import { SelectField, TextArea, TextField } from '../components/Field';
import { ErrorBanner } from '../components/Notice';
import { toApiError } from '../hooks';
import { T, useT, type Translate } from '../i18n';
import { useFormat, type Format } from '../i18n/format';
import { LazyMessages } from '../i18n/lazy';
import { userLocale } from '../locale';
import { readPositiveAmount } from '../money-input';
import { CitedEvidence } from './CitedEvidence';
import {
  appDisputes,
  disputeKeys,
  portalDisputes,
  type Dispute,
  type DisputeCalls,
  type DisputeList,
  type DisputeStep,
  type Evidence,
  type Resolution,
} from './dispute-api';
import { MessagePicker, type PickerThread } from './MessagePicker';

type Party = 'freelancer' | 'client';
type Kind = Resolution['kind'];

export interface PanelMilestone {
  id: string;
  status: string;
  position: number;
  title: string;
}

interface PanelProps {
  me: Party;
  milestone: PanelMilestone;
  currency: string;
  /** The other party's name. */
  otherName: string;
  list: DisputeList;
  /** The milestone's files, which a statement may cite as evidence. */
  files: readonly { id: string; name: string }[];
  calls: DisputeCalls;
  /** The conversation's calls, for choosing messages to cite, and where their pages are kept. */
  chat: ChatApi;
  chatKey: readonly string[];
  readOnly: boolean;
  onChanged: () => Promise<void>;
}

const MAX_TEXT = 5000;

export function resolutionText(t: Translate, f: Format, r: Resolution, currency: string): string {
  switch (r.kind) {
    case 'revision':
      return t('disputes.resolution.revision', { date: f.date(r.dueDate) });
    case 'partial_refund':
      return t('disputes.resolution.partialRefund', { amount: f.money(r.amountMinor, currency) });
    case 'split':
      return t('disputes.resolution.split', { amount: f.money(r.clientPaysMinor, currency) });
    case 'withdraw':
      return t('disputes.resolution.withdraw');
  }
}

function Panel(props: PanelProps) {
  const { me, milestone: m, currency, list } = props;
  const t = useT();
  const f = useFormat();
  const mine = list.disputes.filter((d) => d.milestoneId === m.id);
  const active = mine.find((d) => d.status === 'open' || d.status === 'escalated');
  const closed = mine.filter((d) => d !== active);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState<'none' | 'open' | 'statement' | 'propose' | 'escalate'>('none');
  const headingId = `dispute-${m.id}`;

  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await action();
      setForm('none');
      await props.onChanged();
      return true;
    } catch (err) {
      setError(toApiError(err).message);
      if (toApiError(err).status === 409) await props.onChanged();
      return false;
    } finally {
      setBusy(false);
    }
  }
  const step = (body: DisputeStep) =>
    active ? run(() => props.calls.step(active.id, body)) : null;
  const who = (party: Party) => (party === me ? t('disputes.you') : props.otherName);

  return (
    <section
      className="dispute-box stack"
      aria-labelledby={headingId}
      data-testid={`dispute-${m.id}`}
    >
      <h4 id={headingId} tabIndex={-1}>
        {t('disputes.heading')}
        {active ? (
          <span className="badge badge-danger" data-testid={`dispute-status-${m.id}`}>
            {t(
              active.status === 'escalated' ? 'disputes.status.escalated' : 'disputes.status.open',
            )}
          </span>
        ) : null}
      </h4>
      {closed.map((d) => (
        <p key={d.id} className="muted">
          {d.status === 'resolved' && d.resolution
            ? t('disputes.closed.resolved', {
                resolution: resolutionText(t, f, d.resolution, currency),
              })
            : t('disputes.closed.withdrawn')}
          {d.status === 'resolved' && d.resolution?.kind === 'partial_refund'
            ? ` ${t('disputes.closed.refundDue', { amount: f.money(d.resolution.amountMinor, currency) })}`
            : null}
        </p>
      ))}
      <ErrorBanner message={error} />
      {active ? (
        <ActiveDispute
          {...props}
          dispute={active}
          who={who}
          busy={busy}
          form={form}
          setForm={setForm}
          step={step}
        />
      ) : props.readOnly || (m.status !== 'delivered' && m.status !== 'paid') ? null : form ===
        'open' ? (
        <TextForm
          id={`dispute-open-${m.id}`}
          label={t('disputes.open.statement')}
          hint={t(m.status === 'delivered' ? 'disputes.open.hintUnpaid' : 'disputes.open.hintPaid')}
          submit={t('disputes.open.submit')}
          busy={busy}
          files={props.files}
          cite={citeProps(props, who)}
          onCancel={() => setForm('none')}
          onSubmit={(text, evidence) => run(() => props.calls.open(m.id, text, evidence))}
        />
      ) : (
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={busy}
            onClick={() => setForm('open')}
          >
            {t('disputes.open.button')}
          </button>
        </div>
      )}
    </section>
  );
}

function ActiveDispute(
  props: PanelProps & {
    dispute: Dispute;
    who: (party: Party) => string;
    busy: boolean;
    form: string;
    setForm: (form: 'none' | 'statement' | 'propose' | 'escalate') => void;
    step: (body: DisputeStep) => Promise<boolean> | null;
  },
) {
  const { dispute: d, me, currency, who, busy, form, setForm, step, milestone: m } = props;
  const t = useT();
  const f = useFormat();
  const proposal = d.proposal;
  return (
    <div className="stack">
      {/* The portal says it in place of Pay already. */}
      {d.blocksPayment && me === 'freelancer' ? (
        <p className="banner banner-info">{t('disputes.paymentWaits')}</p>
      ) : null}
      <ol className="dispute-entries stack-tight">
        {d.entries.map((e) => (
          <li key={e.seq}>
            <p>
              <strong>
                {d.chargeback && e.seq === 1
                  ? t('disputes.chargeback', { reason: d.chargeback.reason ?? '' })
                  : t('disputes.entry', { type: e.type, who: who(e.party) })}
              </strong>{' '}
              <span className="muted">{f.dateTime(e.createdAt)}</span>
            </p>
            {e.resolution ? <p>{resolutionText(t, f, e.resolution, currency)}</p> : null}
            {e.text && !(d.chargeback && e.seq === 1) ? (
              <p className="dispute-text">
                <bdi>{e.text}</bdi>
              </p>
            ) : null}
            <CitedEvidence evidence={e.evidence} who={who} />
          </li>
        ))}
      </ol>
      {d.status === 'escalated' ? (
        <p className="muted">
          {d.mediator
            ? t('disputes.mediator.named', { mediator: d.mediator })
            : t('disputes.mediator.none')}
        </p>
      ) : null}
      {props.readOnly ? null : (
        <>
          {proposal && proposal.by !== me ? (
            <div className="stack-tight" data-testid={`dispute-answer-${m.id}`}>
              <p>
                {t('disputes.proposal.theirs', {
                  who: props.otherName,
                  resolution: resolutionText(t, f, proposal.resolution, currency),
                })}
              </p>
              <div className="actions">
                <button
                  type="button"
                  className="button-brand"
                  disabled={busy}
                  onClick={() => void step({ type: 'accept', text: '' })}
                >
                  {t('disputes.accept')}
                </button>
                <button
                  type="button"
                  className="button-secondary"
                  disabled={busy}
                  onClick={() => void step({ type: 'decline', text: '' })}
                >
                  {t('disputes.decline')}
                </button>
              </div>
            </div>
          ) : proposal ? (
            <p className="muted">
              {t('disputes.proposal.mine', {
                who: props.otherName,
                resolution: resolutionText(t, f, proposal.resolution, currency),
              })}
            </p>
          ) : null}
          {form === 'statement' ? (
            <TextForm
              id={`dispute-statement-${m.id}`}
              label={t('disputes.statement.label')}
              submit={t('disputes.statement.submit')}
              busy={busy}
              files={props.files}
              cite={citeProps(props, who)}
              onCancel={() => setForm('none')}
              onSubmit={(text, evidence) =>
                step({ type: 'statement', text, evidence }) ?? Promise.resolve(false)
              }
            />
          ) : form === 'propose' ? (
            <ProposeForm
              milestone={m}
              currency={currency}
              busy={busy}
              onCancel={() => setForm('none')}
              onSubmit={(resolution, text) =>
                step({ type: 'propose', resolution, text }) ?? Promise.resolve(false)
              }
            />
          ) : form === 'escalate' ? (
            <div className="stack-tight" role="group" aria-label={t('disputes.escalate.button')}>
              <p>
                {props.list.mediator
                  ? t('disputes.mediator.named', { mediator: props.list.mediator })
                  : t('disputes.mediator.none')}
              </p>
              <p className="muted">{t('disputes.escalate.explain')}</p>
              <div className="actions">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void step({ type: 'escalate', text: '' })}
                >
                  {t('disputes.escalate.confirm')}
                </button>
                <button type="button" className="button-secondary" onClick={() => setForm('none')}>
                  {t('disputes.cancel')}
                </button>
              </div>
            </div>
          ) : (
            <div className="actions">
              <button
                type="button"
                className="button-secondary"
                disabled={busy}
                onClick={() => setForm('statement')}
              >
                {t('disputes.statement.button')}
              </button>
              <button
                type="button"
                className="button-secondary"
                disabled={busy}
                onClick={() => setForm('propose')}
              >
                {t('disputes.propose.button')}
              </button>
              {d.status === 'open' ? (
                <button
                  type="button"
                  className="button-secondary"
                  disabled={busy}
                  onClick={() => setForm('escalate')}
                >
                  {t('disputes.escalate.button')}
                </button>
              ) : null}
              {d.openedBy === me ? (
                <button
                  type="button"
                  className="button-secondary"
                  disabled={busy}
                  onClick={() => void step({ type: 'withdraw', text: '' })}
                >
                  {t('disputes.withdraw')}
                </button>
              ) : null}
            </div>
          )}
        </>
      )}
    </div>
  );
}

type CiteProps = {
  chat: ChatApi;
  cacheKey: readonly string[];
  threads: readonly PickerThread[];
  who: (author: Party) => string;
};

/** The picker's threads: the milestone's own, then the general one. */
function citeProps(props: PanelProps, who: (party: Party) => string): CiteProps {
  const m = props.milestone;
  const title: ReactNode = <bdi>{m.title}</bdi>;
  return {
    chat: props.chat,
    cacheKey: props.chatKey,
    who,
    threads: [
      {
        id: m.id,
        label: <T id="disputes.cite.milestoneThread" values={{ position: m.position, title }} />,
      },
      { id: 'general', label: <T id="disputes.cite.generalThread" /> },
    ],
  };
}

function TextForm(props: {
  id: string;
  label: string;
  hint?: string;
  submit: string;
  busy: boolean;
  files: readonly { id: string; name: string }[];
  cite: CiteProps;
  onCancel: () => void;
  onSubmit: (text: string, evidence: Evidence) => Promise<boolean>;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [cited, setCited] = useState<ReadonlySet<string>>(new Set());
  const [messages, setMessages] = useState<ReadonlySet<string>>(new Set());
  const [missing, setMissing] = useState<string | undefined>(undefined);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() === '') {
      setMissing(t('disputes.textMissing'));
      document.getElementById(props.id)?.focus();
      return;
    }
    setMissing(undefined);
    void props.onSubmit(text.trim(), {
      messageIds: [...messages],
      fileIds: props.files.filter((file) => cited.has(file.id)).map((file) => file.id),
    });
  }
  return (
    <form className="stack" noValidate onSubmit={submit}>
      <TextArea
        id={props.id}
        label={props.label}
        {...(props.hint !== undefined && { hint: props.hint })}
        required
        rows={4}
        maxLength={MAX_TEXT}
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={missing}
      />
      {props.files.length > 0 ? (
        <fieldset className="stack-tight">
          <legend>{t('disputes.evidence.files')}</legend>
          {props.files.map((file) => (
            <label key={file.id} className="checkbox">
              <input
                type="checkbox"
                checked={cited.has(file.id)}
                onChange={(e) => {
                  const next = new Set(cited);
                  if (e.target.checked) next.add(file.id);
                  else next.delete(file.id);
                  setCited(next);
                }}
              />{' '}
              <bdi>{file.name}</bdi>
            </label>
          ))}
        </fieldset>
      ) : null}
      <MessagePicker {...props.cite} chosen={messages} onChange={setMessages} />
      <div className="actions">
        <button type="submit" disabled={props.busy}>
          {props.submit}
        </button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          {t('disputes.cancel')}
        </button>
      </div>
    </form>
  );
}

function ProposeForm(props: {
  milestone: PanelMilestone;
  currency: string;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (resolution: Resolution, text: string) => Promise<boolean>;
}) {
  const { milestone: m, currency } = props;
  const t = useT();
  const kinds: Kind[] =
    m.status === 'delivered'
      ? ['revision', 'split', 'withdraw']
      : ['revision', 'partial_refund', 'withdraw'];
  const [kind, setKind] = useState<Kind>('revision');
  const [dueDate, setDueDate] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const id = (name: string) => `dispute-propose-${m.id}-${name}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    setFieldError(undefined);
    let resolution: Resolution;
    if (kind === 'revision') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) {
        setFieldError(t('disputes.propose.dateMissing'));
        document.getElementById(id('date'))?.focus();
        return;
      }
      resolution = { kind, dueDate };
    } else if (kind === 'split' || kind === 'partial_refund') {
      const read = readPositiveAmount(
        amount,
        userLocale(),
        currency,
        t('disputes.propose.amountMissing'),
        t,
      );
      if ('error' in read) {
        setFieldError(read.error);
        document.getElementById(id('amount'))?.focus();
        return;
      }
      resolution =
        kind === 'split'
          ? { kind, clientPaysMinor: read.amountMinor }
          : { kind, amountMinor: read.amountMinor };
    } else resolution = { kind: 'withdraw' };
    void props.onSubmit(resolution, note.trim());
  }

  return (
    <form className="stack" noValidate onSubmit={submit}>
      <SelectField
        id={id('kind')}
        label={t('disputes.propose.kind')}
        value={kind}
        onChange={(e) => {
          setKind(e.target.value as Kind);
          setFieldError(undefined);
        }}
      >
        {kinds.map((k) => (
          <option key={k} value={k}>
            {t('disputes.kind', { kind: k })}
          </option>
        ))}
      </SelectField>
      {kind === 'revision' ? (
        <TextField
          id={id('date')}
          type="date"
          label={t('disputes.propose.date')}
          required
          value={dueDate}
          onChange={(e) => setDueDate(e.target.value)}
          error={fieldError}
        />
      ) : kind === 'split' || kind === 'partial_refund' ? (
        <AmountField
          id={id('amount')}
          label={t(kind === 'split' ? 'disputes.propose.clientPays' : 'disputes.propose.refund')}
          currency={currency}
          required
          value={amount}
          onValue={setAmount}
          error={fieldError}
        />
      ) : null}
      <TextArea
        id={id('note')}
        label={t('disputes.propose.note')}
        rows={3}
        maxLength={MAX_TEXT}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <div className="actions">
        <button type="submit" disabled={props.busy}>
          {t('disputes.propose.submit')}
        </button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          {t('disputes.cancel')}
        </button>
      </div>
    </form>
  );
}

/** In the portal: the list comes with the portal's own query. */
export function PortalDisputePanel(props: Omit<PanelProps, 'calls' | 'me' | 'chat' | 'chatKey'>) {
  return (
    <LazyMessages area="disputes">
      <LazyMessages area="amounts">
        <Panel
          {...props}
          me="client"
          calls={portalDisputes}
          chat={chatApi('portal', '')}
          chatKey={['disputes', 'portal']}
        />
      </LazyMessages>
    </LazyMessages>
  );
}

/** On the freelancer's project page: the list is read here, under the project's query keys. */
export function AppDisputePanel(
  props: Omit<PanelProps, 'calls' | 'me' | 'list' | 'chat' | 'chatKey'> & { projectId: string },
) {
  const { projectId, ...rest } = props;
  const calls = appDisputes(projectId);
  const query = useQuery({ queryKey: disputeKeys.project(projectId), queryFn: calls.list });
  if (!query.data) return null;
  return (
    <LazyMessages area="disputes">
      <Panel
        {...rest}
        me="freelancer"
        calls={calls}
        chat={chatApi('app', projectId)}
        chatKey={[...disputeKeys.project(projectId)]}
        list={query.data}
        onChanged={async () => {
          await query.refetch();
          await props.onChanged();
        }}
      />
    </LazyMessages>
  );
}
