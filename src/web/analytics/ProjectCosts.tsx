/**
 * The project page's costs panel: the freelancer's own bookkeeping for this project (never shown
 * to the client) — cost entries, hours spent and the project type — and what they make of it:
 * profit (received less costs) and the effective hourly rate. Figures here are the project's
 * lifetime; the dashboard (/app/analytics) groups them by period and type.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { app } from '../api';
import { useFreelancerToday } from '../auth';
import { AmountField } from '../components/AmountField';
import { SelectField, TextField } from '../components/Field';
import { ErrorBanner, SuccessNote } from '../components/Notice';
import { useFormErrors } from '../hooks';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { userLocale } from '../locale';
import { readPositiveAmount } from '../money-input';
import { invalidateProject } from '../queries';
import type { BodyOf, Payment, Project, ResponseOf } from '../types';

type Cost = ResponseOf<'/api/projects/{projectId}/costs', 'get'>['costs'][number];
type Category = Cost['category'];
const CATEGORIES: readonly Category[] = [
  'subcontractor',
  'software',
  'travel',
  'equipment',
  'other',
];

const path = (projectId: string) => ({ params: { path: { projectId } } });
const costKey = (projectId: string) => ['projects', 'one', projectId, 'costs'] as const;
const costApi = {
  list: (projectId: string) =>
    app.send((c) => c.GET('/api/projects/{projectId}/costs', path(projectId))),
  add: (projectId: string, body: BodyOf<'/api/projects/{projectId}/costs', 'post'>) =>
    app.send((c) => c.POST('/api/projects/{projectId}/costs', { ...path(projectId), body })),
  remove: (projectId: string, costId: string) =>
    app.send((c) =>
      c.DELETE('/api/projects/{projectId}/costs/{costId}', {
        params: { path: { projectId, costId } },
      }),
    ),
  patch: (projectId: string, body: BodyOf<'/api/projects/{projectId}', 'patch'>) =>
    app.send((c) => c.PATCH('/api/projects/{projectId}', { ...path(projectId), body })),
};

/** "12", "12.5" or "12,25" hours as whole minutes; null for anything else. */
export function hoursToMinutes(text: string): number | null {
  const match = /^\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = Number(`0.${match[2] ?? '0'}`);
  return Number(match[1]) * 60 + Math.round(fraction * 60);
}

/** Credited payments less refunds: the dashboard's revenue, over the project's whole life. */
export function receivedNetMinor(payments: readonly Payment[]): number {
  return payments
    .filter((p) => p.status === 'credited')
    .reduce((sum, p) => sum + (p.kind === 'payment' ? p.amountMinor : -p.amountMinor), 0);
}

export function ProjectCosts({
  project,
  payments,
}: {
  project: Project;
  payments: readonly Payment[];
}) {
  const t = useT();
  const f = useFormat();
  const costs = useQuery({
    queryKey: costKey(project.id),
    queryFn: () => costApi.list(project.id),
  });
  const readOnly = project.archivedAt !== null;
  const list = costs.data?.costs ?? [];
  const costsMinor = list.reduce((sum, c) => sum + c.amountMinor, 0);
  const receivedMinor = receivedNetMinor(payments);
  const profitMinor = receivedMinor - costsMinor;
  const minutes = project.hoursMinutes;
  return (
    <section className="card stack" aria-labelledby="costs-heading">
      <h2 id="costs-heading">{t('analytics.costs.heading')}</h2>
      <p className="hint">{t('analytics.costs.intro')}</p>
      {/* The figures wait for the costs: a profit without them would be shown too high. */}
      {costs.data ? (
        <dl className="facts">
          <div>
            <dt>{t('analytics.costs.received')}</dt>
            <dd>{f.money(receivedMinor, project.currency)}</dd>
          </div>
          <div>
            <dt>{t('analytics.costs.total')}</dt>
            <dd>{f.money(costsMinor, project.currency)}</dd>
          </div>
          <div>
            <dt>{t('analytics.costs.profit')}</dt>
            <dd data-testid="project-profit">{f.money(profitMinor, project.currency)}</dd>
          </div>
          <div>
            <dt>{t('analytics.costs.hourlyRate')}</dt>
            <dd data-testid="project-hourly-rate">
              {minutes !== null && minutes > 0
                ? t('analytics.costs.perHour', {
                    amount: f.money(Math.round((profitMinor * 60) / minutes), project.currency),
                  })
                : t('analytics.costs.noHours')}
            </dd>
          </div>
        </dl>
      ) : costs.isPending ? (
        <p className="muted" aria-busy="true">
          {t('common.loading', { what: t('analytics.costs.heading') })}
        </p>
      ) : null}
      <ErrorBanner message={costs.error?.message} />
      {list.length > 0 ? (
        <ul className="stack-tight" aria-label={t('analytics.costs.listLabel')}>
          {list.map((c) => (
            <CostRow key={c.id} cost={c} project={project} readOnly={readOnly} />
          ))}
        </ul>
      ) : costs.data ? (
        <p className="muted">{t('analytics.costs.none')}</p>
      ) : null}
      {!readOnly ? <AddCost project={project} /> : null}
      <DetailsForm project={project} readOnly={readOnly} />
    </section>
  );
}

function CostRow({ cost, project, readOnly }: { cost: Cost; project: Project; readOnly: boolean }) {
  const t = useT();
  const f = useFormat();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const category = t(`analytics.costs.category.${cost.category}`);
  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await costApi.remove(project.id, cost.id);
      await queryClient.invalidateQueries({ queryKey: costKey(project.id) });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li className="actions">
      <span>
        <strong>{f.money(cost.amountMinor, cost.currency)}</strong> · {category} ·{' '}
        {f.date(cost.spentOn)}
        {cost.note !== '' ? (
          <>
            {' · '}
            <bdi>{cost.note}</bdi>
          </>
        ) : null}
      </span>
      {!readOnly ? (
        <button
          type="button"
          className="button-secondary"
          disabled={busy}
          onClick={() => void remove()}
          aria-label={t('analytics.costs.removeLabel', {
            amount: f.money(cost.amountMinor, cost.currency),
            category,
            date: f.date(cost.spentOn),
          })}
        >
          {t('analytics.costs.remove')}
        </button>
      ) : null}
      <ErrorBanner message={error} />
    </li>
  );
}

function AddCost({ project }: { project: Project }) {
  const t = useT();
  const queryClient = useQueryClient();
  const today = useFreelancerToday();
  const errors = useFormErrors();
  const [amount, setAmount] = useState('');
  const [spentOn, setSpentOn] = useState(today);
  const [category, setCategory] = useState<Category>('software');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    const read = readPositiveAmount(
      amount,
      userLocale(),
      project.currency,
      t('analytics.costs.amountMissing'),
      t,
    );
    if ('error' in read) {
      errors.setField('amountMinor', read.error);
      return;
    }
    setBusy(true);
    try {
      await costApi.add(project.id, { amountMinor: read.amountMinor, spentOn, category, note });
      setAmount('');
      setNote('');
      await queryClient.invalidateQueries({ queryKey: costKey(project.id) });
    } catch (err) {
      errors.show(err, ['amountMinor', 'spentOn', 'category', 'note']);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form
      onSubmit={(e) => void submit(e)}
      className="stack"
      aria-label={t('analytics.costs.addLabel')}
      noValidate
    >
      <ErrorBanner message={errors.banner} />
      <div className="grid-2">
        <AmountField
          id="cost-amount"
          label={t('analytics.costs.amount', { currency: project.currency })}
          currency={project.currency}
          required
          value={amount}
          onValue={setAmount}
          error={errors.fields.amountMinor}
        />
        <TextField
          id="cost-date"
          label={t('analytics.costs.date')}
          type="date"
          required
          value={spentOn}
          onChange={(e) => setSpentOn(e.target.value)}
          error={errors.fields.spentOn}
        />
        <SelectField
          id="cost-category"
          label={t('analytics.costs.categoryLabel')}
          value={category}
          onChange={(e) => {
            const next = CATEGORIES.find((c) => c === e.target.value);
            if (next) setCategory(next);
          }}
          error={errors.fields.category}
        >
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`analytics.costs.category.${c}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          id="cost-note"
          label={t('analytics.costs.note')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          error={errors.fields.note}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.saving') : t('analytics.costs.add')}
        </button>
      </div>
    </form>
  );
}

function DetailsForm({ project, readOnly }: { project: Project; readOnly: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const errors = useFormErrors();
  const [hours, setHours] = useState(
    project.hoursMinutes === null
      ? ''
      : String(Math.round((project.hoursMinutes / 60) * 100) / 100),
  );
  const [type, setType] = useState(project.projectType);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setSaved(false);
    const minutes = hours.trim() === '' ? null : hoursToMinutes(hours);
    if (hours.trim() !== '' && minutes === null) {
      errors.setField('hoursMinutes', t('analytics.costs.hoursInvalid'));
      return;
    }
    setBusy(true);
    try {
      await costApi.patch(project.id, { hoursMinutes: minutes, projectType: type.trim() });
      await invalidateProject(queryClient, project.id);
      setSaved(true);
    } catch (err) {
      errors.show(err, ['hoursMinutes', 'projectType']);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form
      onSubmit={(e) => void submit(e)}
      className="stack"
      aria-label={t('analytics.costs.detailsLabel')}
      noValidate
    >
      <ErrorBanner message={errors.banner} />
      <div className="grid-2">
        <TextField
          id="project-hours"
          label={t('analytics.costs.hours')}
          hint={t('analytics.costs.hoursHint')}
          inputMode="decimal"
          disabled={readOnly}
          value={hours}
          onChange={(e) => setHours(e.target.value)}
          error={errors.fields.hoursMinutes}
        />
        <TextField
          id="project-type"
          label={t('analytics.costs.type')}
          hint={t('analytics.costs.typeHint')}
          disabled={readOnly}
          value={type}
          onChange={(e) => setType(e.target.value)}
          error={errors.fields.projectType}
        />
      </div>
      {!readOnly ? (
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('common.saving') : t('analytics.costs.saveDetails')}
          </button>
        </div>
      ) : null}
      <SuccessNote>{saved ? t('analytics.costs.saved') : null}</SuccessNote>
    </form>
  );
}
