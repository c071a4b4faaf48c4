/**
 * The freelancer's change-order builder on the project page: re-price, re-date or remove
 * milestones not yet delivered, with a reason; a live before/after and the new total; the
 * project's change orders with their state (a proposed one can be withdrawn).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { TextArea, TextField } from '../components/Field';
import { ErrorBanner } from '../components/Notice';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { LazyMessages } from '../i18n/lazy';
import { userLocale } from '../locale';
import { amountInputText, readPositiveAmount } from '../money-input';
import { toApiError } from '../hooks';
import type { Milestone } from '../types';
import { BeforeAfter, type Row } from './BeforeAfter';
import { contractApi, contractKeys } from '../contract/contract-api';
import { changeOrderApi, changeOrderKeys, type Change } from './change-order-api';

interface Draft {
  amount: string;
  dueDate: string;
  removed: boolean;
}

function Builder({
  projectId,
  currency,
  milestones,
}: {
  projectId: string;
  currency: string;
  milestones: readonly Milestone[];
}) {
  const t = useT();
  const f = useFormat();
  const queryClient = useQueryClient();
  const orders = useQuery({
    queryKey: changeOrderKeys.project(projectId),
    queryFn: () => changeOrderApi.list(projectId),
  });
  // Before the client accepts the contract, milestones change directly (the server refuses an
  // order then); undefined while loading.
  const contract = useQuery({
    queryKey: contractKeys.project(projectId),
    queryFn: () => contractApi.project(projectId),
  });
  const accepted = contract.data ? contract.data.acceptances.length > 0 : undefined;
  const editable = milestones.filter((m) => m.status === 'locked' || m.status === 'open');
  const initial = () =>
    Object.fromEntries(
      editable.map((m) => [
        m.id,
        {
          amount: amountInputText(m.amountMinor, userLocale(), currency),
          dueDate: m.dueDate,
          removed: false,
        },
      ]),
    ) as Record<string, Draft>;
  const [open, setOpen] = useState(false);
  const [drafts, setDrafts] = useState<Record<string, Draft>>(initial);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const plan = useMemo(() => {
    const changes: Change[] = [];
    const rows: Row[] = [];
    let bad = false;
    let position = 0;
    for (const m of milestones) {
      const d = drafts[m.id];
      const before = {
        position: m.position,
        title: m.title,
        dueDate: m.dueDate,
        amountMinor: m.amountMinor,
      };
      if (!d) {
        position += 1;
        rows.push({ before, after: { ...before, position }, changed: [] });
        continue;
      }
      if (d.removed) {
        changes.push({ type: 'remove', milestoneId: m.id });
        rows.push({ before, after: null, changed: ['amountMinor', 'dueDate', 'title'] });
        continue;
      }
      const read = readPositiveAmount(
        d.amount,
        userLocale(),
        currency,
        t('changes.amountMissing'),
        t,
      );
      const amountMinor = 'amountMinor' in read ? read.amountMinor : m.amountMinor;
      if ('error' in read) bad = true;
      position += 1;
      const after = { position, title: m.title, dueDate: d.dueDate || m.dueDate, amountMinor };
      const changed = [
        ...(amountMinor !== m.amountMinor ? ['amountMinor'] : []),
        ...(after.dueDate !== m.dueDate ? ['dueDate'] : []),
      ];
      if (changed.length > 0) {
        changes.push({
          type: 'update',
          milestoneId: m.id,
          ...(changed.includes('amountMinor') && { amountMinor }),
          ...(changed.includes('dueDate') && { dueDate: after.dueDate }),
        });
      }
      rows.push({ before, after, changed });
    }
    const totalBeforeMinor = milestones.reduce((s, m) => s + m.amountMinor, 0);
    const totalAfterMinor = rows.reduce((s, r) => s + (r.after?.amountMinor ?? 0), 0);
    return { changes, rows, bad, totalBeforeMinor, totalAfterMinor };
  }, [drafts, milestones, currency, t]);

  const proposed = orders.data?.changeOrders.filter((o) => o.status === 'proposed') ?? [];
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: changeOrderKeys.project(projectId) });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (plan.changes.length === 0) return setError(t('changes.nothing'));
    if (plan.bad) return setError(t('changes.amountMissing'));
    if (reason.trim() === '') return setError(t('changes.reasonMissing'));
    setBusy(true);
    try {
      await changeOrderApi.propose(projectId, { reason: reason.trim(), changes: plan.changes });
      setOpen(false);
      setReason('');
      setDrafts(initial());
      await refresh();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  async function withdraw(orderId: string) {
    setError(null);
    try {
      await changeOrderApi.withdraw(projectId, orderId);
      await refresh();
    } catch (err) {
      setError(toApiError(err).message);
    }
  }

  const set = (id: string, patch: Partial<Draft>) =>
    setDrafts((all) => ({ ...all, [id]: { ...(all[id] as Draft), ...patch } }));

  return (
    <section className="card stack" aria-labelledby="change-orders-heading">
      <h2 id="change-orders-heading">{t('changes.heading')}</h2>
      <p className="muted">
        {accepted === false ? t('changes.beforeAcceptance') : t('changes.explain')}
      </p>
      <ErrorBanner message={error ?? orders.error?.message} />
      {orders.data && orders.data.changeOrders.length > 0 ? (
        <ul className="stack co-list">
          {orders.data.changeOrders.map((o) => (
            <li key={o.id}>
              {t('changes.orderLine', {
                number: o.number,
                status: t(`changes.status.${o.status}`),
                total: f.money(o.totalAfterMinor, currency),
              })}{' '}
              <bdi className="muted">{o.reason}</bdi>
              {o.status === 'proposed' ? (
                <>
                  {' '}
                  <button
                    type="button"
                    className="button-secondary"
                    onClick={() => void withdraw(o.id)}
                  >
                    {t('changes.withdraw')}
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {accepted !== true ? null : !open ? (
        <div>
          <button
            type="button"
            onClick={() => {
              setDrafts(initial());
              setOpen(true);
            }}
            disabled={editable.length === 0 || proposed.length > 0}
          >
            {t('changes.start')}
          </button>
        </div>
      ) : (
        <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
          {editable.map((m) => {
            const d = drafts[m.id];
            if (!d) return null;
            return (
              <fieldset key={m.id} className="stack co-fieldset">
                <legend>
                  {m.position}. <bdi>{m.title}</bdi>
                </legend>
                <TextField
                  label={t('changes.amount', { position: m.position })}
                  inputMode="decimal"
                  value={d.amount}
                  disabled={d.removed}
                  onChange={(e) => set(m.id, { amount: e.target.value })}
                />
                <TextField
                  label={t('changes.dueDate', { position: m.position })}
                  type="date"
                  value={d.dueDate}
                  disabled={d.removed}
                  onChange={(e) => set(m.id, { dueDate: e.target.value })}
                />
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={d.removed}
                    onChange={(e) => set(m.id, { removed: e.target.checked })}
                  />{' '}
                  {t('changes.remove', { position: m.position })}
                </label>
              </fieldset>
            );
          })}
          <TextArea
            label={t('changes.reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={3}
          />
          <BeforeAfter
            rows={plan.rows}
            currency={currency}
            totalBeforeMinor={plan.totalBeforeMinor}
            totalAfterMinor={plan.totalAfterMinor}
            caption={t('changes.preview')}
          />
          <div className="row">
            <button type="submit" disabled={busy}>
              {t('changes.propose')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setOpen(false)}>
              {t('changes.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** One-line mount on the project page. */
export function ChangeOrderBuilder(props: {
  project: { id: string; currency: string };
  milestones: readonly Milestone[];
}) {
  return (
    <LazyMessages area="changes">
      <Builder
        projectId={props.project.id}
        currency={props.project.currency}
        milestones={props.milestones}
      />
    </LazyMessages>
  );
}
