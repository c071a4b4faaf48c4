import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { isCurrencyCode } from '../../domain/money';
import { ApiError, api } from '../api';
import { useFreelancerToday, useLimits } from '../auth';
import { dueDateWarnings } from '../../domain/due-dates';
import { dueWarningText } from '../components/DueDateWarning';
import { useFormat } from '../i18n/format';
import { BuilderCheck } from '../components/BuilderCheck';
import {
  BuilderDetails,
  currencyOf,
  EMPTY_DETAILS,
  NEW_CLIENT,
  type ProjectDetails,
} from '../components/BuilderDetails';
import { BuilderMilestone, type BuilderRow } from '../components/BuilderMilestone';
import { BuilderMoney } from '../components/BuilderMoney';
import {
  BuilderTerms,
  mediatorProblem,
  reviewDaysProblem,
  type TermsDraft,
} from '../contract/ProjectTerms';
import { ErrorBanner } from '../components/Notice';
import { addDaysIso, todayIso } from '../format';
import { toApiError, useFormErrors, useTitle } from '../hooks';
import { useT } from '../i18n';
import { keys, queries } from '../queries';
import { userLocale } from '../locale';
import { checkPlan, type AmountMode, type PlanCheck } from '../plan';
import { Link, useNavigate } from 'react-router';
import type { MilestoneInput, NewProjectInput } from '../types';

const MILESTONE_FIELDS = ['title', 'deliverables', 'dueDate', 'amountMinor', 'percent'];
const PROJECT_FIELDS = [
  'clientId',
  'title',
  'currency',
  'projectType',
  'tags',
  'description',
  'totalMinor',
  'milestones',
  'reviewWindowDays',
  'mediator',
];

function blankRow(key: number, index: number): BuilderRow {
  const dueDate = addDaysIso(todayIso(), 14 * (index + 1));
  return { key, title: '', deliverables: '', dueDate, amount: '', percent: '', isDeposit: false };
}

/** Empty amounts are flagged only once the freelancer has tried to create the project. */
function visibleRowErrors(
  check: PlanCheck,
  rows: BuilderRow[],
  attempted: boolean,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(check.rowErrors).filter(([key]) => {
      if (attempted) return true;
      const [, index, name] = key.split('.');
      const row = rows[Number(index)];
      return row !== undefined && (name === 'percent' ? row.percent : row.amount).trim() !== '';
    }),
  );
}

export function ProjectBuilderPage() {
  const navigate = useNavigate();
  const t = useT();
  const f = useFormat();
  const today = useFreelancerToday();
  useTitle(t('builder.title'));
  const { maxMilestones } = useLimits();
  const clients = useQuery(queries.clients(false));
  const queryClient = useQueryClient();
  const errors = useFormErrors();
  const nextKey = useRef(2);
  const [details, setDetails] = useState<ProjectDetails>(EMPTY_DETAILS);
  const [mode, setMode] = useState<AmountMode>('percent');
  const [total, setTotal] = useState('');
  const [rows, setRows] = useState<BuilderRow[]>(() => [blankRow(1, 0)]);
  const [terms, setTerms] = useState<TermsDraft>({ reviewWindowDays: '', mediator: '' });
  const [busy, setBusy] = useState(false);
  const [attempted, setAttempted] = useState(false);

  const currency = currencyOf(details);
  const currencyValid = isCurrencyCode(currency);
  const check = useMemo(
    () => checkPlan(mode, currency, total, rows, userLocale(), t, f.money),
    [mode, currency, total, rows, t, f.money],
  );
  const dueWarnings = dueDateWarnings(
    rows.map((r) => r.dueDate),
    today,
  ).map((w) => dueWarningText(w, (i) => i + 1, t, f));
  const clientList = clients.data?.clients ?? [];
  // With no clients yet, the builder starts straight on "new client".
  const clientChoice =
    details.client === '' && clients.data && clientList.length === 0 ? NEW_CLIENT : details.client;
  const atLimit = rows.length >= maxMilestones;

  function applyTemplate(percentages: readonly number[]) {
    setMode('percent');
    setRows((current) =>
      percentages.map((p, i) => ({
        ...(current[i] ?? blankRow(nextKey.current++, i)),
        percent: String(p),
      })),
    );
  }

  function addRow() {
    setRows((current) =>
      current.length >= maxMilestones
        ? current
        : [...current, blankRow(nextKey.current++, current.length)],
    );
  }

  /** The chosen client's id, creating the new client first when that is the choice. */
  async function resolveClient(): Promise<string | null> {
    if (clientChoice === '') {
      errors.setField('clientId', t('builder.client.missing'));
      return null;
    }
    if (clientChoice !== NEW_CLIENT) return clientChoice;
    try {
      const { client } = await api.createClient(details.newClient);
      // A retry after a later error must not create the client twice.
      setDetails((d) => ({ ...d, client: client.id }));
      void queryClient.invalidateQueries({ queryKey: keys.clients() });
      return client.id;
    } catch (err) {
      const e = toApiError(err);
      const field = e.field ? `client.${e.field}` : undefined;
      errors.show(new ApiError(e.status, e.code, e.message, field), [
        'client.name',
        'client.email',
        'client.company',
      ]);
      return null;
    }
  }

  function projectInput(clientId: string): NewProjectInput {
    const input: NewProjectInput = {
      clientId,
      title: details.title.trim(),
      currency,
      projectType: details.projectType.trim(),
      tags: details.tags
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
      description: details.description,
      milestones: rows.map((row, i): MilestoneInput => {
        const base = {
          title: row.title.trim(),
          deliverables: row.deliverables,
          dueDate: row.dueDate,
          isDeposit: row.isDeposit,
        };
        return mode === 'percent'
          ? { ...base, percent: Number(row.percent) }
          : { ...base, amountMinor: check.amounts[i] ?? 0 };
      }),
    };
    // Empty: the freelancer's defaults from Settings → Contract terms.
    if (terms.reviewWindowDays.trim() !== '') {
      input.reviewWindowDays = Number(terms.reviewWindowDays.trim());
    }
    if (terms.mediator.trim() !== '') input.mediator = terms.mediator.trim();
    // check.ok: the total read as typed (or, left empty with fixed amounts, not sent).
    if (mode === 'percent' || total.trim() !== '') input.totalMinor = check.totalMinor ?? 0;
    return input;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setAttempted(true);
    if (!currencyValid) {
      errors.setField('currency', t('builder.currency.notIso', { currency }));
      return;
    }
    const daysProblem = reviewDaysProblem(terms.reviewWindowDays, t, true);
    const mediatorError = mediatorProblem(terms.mediator, t);
    if (daysProblem !== null || mediatorError !== null) {
      if (daysProblem !== null) errors.setField('reviewWindowDays', daysProblem);
      if (mediatorError !== null) errors.setField('mediator', mediatorError);
      return;
    }
    if (!check.ok) {
      errors.show(
        new Error(
          t('builder.notYet', { reason: check.message ?? t('builder.notYet.checkMilestones') }),
        ),
      );
      return;
    }
    setBusy(true);
    try {
      const clientId = await resolveClient();
      if (clientId === null) return;
      const { project } = await api.createProject(projectInput(clientId));
      void queryClient.invalidateQueries({ queryKey: keys.projects() });
      void navigate(`/app/projects/${project.id}`);
    } catch (err) {
      const rowFields = rows.flatMap((_, i) => MILESTONE_FIELDS.map((f) => `milestones.${i}.${f}`));
      errors.show(err, [...PROJECT_FIELDS, ...rowFields]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>{t('builder.title')}</h1>
      <ErrorBanner message={errors.banner ?? clients.error?.message} />
      <form onSubmit={(e) => void submit(e)} className="stack">
        <BuilderDetails
          details={{ ...details, client: clientChoice }}
          clients={clientList}
          currencyValid={currencyValid}
          errors={errors.fields}
          onChange={(patch) => setDetails((d) => ({ ...d, ...patch }))}
        />
        <BuilderMoney
          mode={mode}
          total={total}
          currency={currency}
          currencyValid={currencyValid}
          totalError={errors.fields.totalMinor ?? check.totalError ?? undefined}
          onMode={setMode}
          onTotal={setTotal}
          onTemplate={applyTemplate}
        />

        <section className="stack" aria-labelledby="milestones-heading">
          <h2 id="milestones-heading">{t('builder.milestones.heading')}</h2>
          <p className="muted">{t('builder.milestones.explain')}</p>
          <ol className="milestone-editors">
            {rows.map((row, i) => (
              <BuilderMilestone
                key={row.key}
                index={i}
                row={row}
                mode={mode}
                currency={currency}
                currencyValid={currencyValid}
                allocated={check.amounts[i] ?? null}
                errors={{ ...visibleRowErrors(check, rows, attempted), ...errors.fields }}
                canRemove={rows.length > 1}
                dueWarning={dueWarnings[i] ?? null}
                onChange={(next) =>
                  setRows((current) => current.map((r) => (r.key === row.key ? next : r)))
                }
                onRemove={() => setRows((current) => current.filter((r) => r.key !== row.key))}
              />
            ))}
          </ol>
          <div className="actions">
            <button
              type="button"
              className="button-secondary"
              disabled={atLimit}
              onClick={addRow}
              aria-describedby="milestone-limit"
            >
              {t('builder.milestones.add')}
            </button>
            <span id="milestone-limit" className="muted">
              {atLimit
                ? t('builder.milestones.atLimit', { max: maxMilestones })
                : t('builder.milestones.count', { count: rows.length, max: maxMilestones })}
            </span>
          </div>
        </section>

        <BuilderTerms
          draft={terms}
          errors={errors.fields}
          onChange={(patch) => {
            setTerms((d) => ({ ...d, ...patch }));
            // A field's complaint goes once it is being corrected.
            for (const field of Object.keys(patch)) {
              if (errors.fields[field]) errors.setField(field, '');
            }
          }}
        />

        <BuilderCheck check={check} currency={currency} serverError={errors.fields.milestones} />

        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('builder.creating') : t('builder.create')}
          </button>
          <Link to="/app" className="button button-secondary">
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
