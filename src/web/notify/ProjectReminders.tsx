/**
 * On the project page: when the client of a delivered, unpaid milestone is reminded (the
 * freelancer's default days, or the project's own), and a switch that pauses every reminder and
 * overdue notice of this project. One line mounts it: `<ProjectReminders projectId={…} />`.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { TextField } from '../components/Field';
import { ErrorBanner, SuccessNote } from '../components/Notice';
import { z } from '../forms';
import { toApiError } from '../hooks';
import { useT, type Translate } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import { formatDays, parseDays } from './days';
import { daysMessage } from './NotificationSettings';
import { notifyApi, notifyKeys, notifyQueries, type ProjectReminders as View } from './notify-api';

export function ProjectReminders({ projectId }: { projectId: string }) {
  return (
    <LazyMessages area="notify">
      <RemindersSection projectId={projectId} />
    </LazyMessages>
  );
}

function RemindersSection({ projectId }: { projectId: string }) {
  const t = useT();
  const loaded = useQuery(notifyQueries.reminders(projectId));
  return (
    <section className="card stack" aria-labelledby="reminders-heading">
      <h2 id="reminders-heading">{t('notify.reminders.heading')}</h2>
      <ErrorBanner message={loaded.error?.message} />
      {loaded.data ? <Summary view={loaded.data} /> : null}
      {loaded.data ? <RemindersForm projectId={projectId} initial={loaded.data} /> : null}
    </section>
  );
}

/** What applies now, in one sentence. */
function Summary({ view }: { view: View }) {
  const t = useT();
  const text = view.paused
    ? t('notify.reminders.summary.paused')
    : view.effectiveDays.length > 0
      ? t('notify.reminders.summary.days', {
          days: formatDays(view.effectiveDays),
          overdue: view.paymentTermsDays + 1,
        })
      : t('notify.reminders.summary.none', { overdue: view.paymentTermsDays + 1 });
  return (
    <p className="muted" data-testid="reminders-summary">
      {text}
    </p>
  );
}

function schemaFor(t: Translate) {
  return z
    .object({ paused: z.boolean(), schedule: z.enum(['default', 'own']), days: z.string() })
    .superRefine((values, ctx) => {
      if (values.schedule !== 'own') return;
      const problem = daysMessage(t, values.days);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: ['days'] });
    });
}

type Values = z.infer<ReturnType<typeof schemaFor>>;

function toValues(view: View): Values {
  return {
    paused: view.paused,
    schedule: view.days === null ? 'default' : 'own',
    days: formatDays(view.effectiveDays),
  };
}

function RemindersForm({ projectId, initial }: { projectId: string; initial: View }) {
  const t = useT();
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    resolver: zodResolver(schemaFor(t)),
    defaultValues: toValues(initial),
  });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const own = form.watch('schedule') === 'own';
  const defaultDays = initial.days === null ? initial.effectiveDays : null;

  const submit = form.handleSubmit(async (values) => {
    setError(null);
    setSaved(false);
    const parsed = parseDays(values.days);
    const days = values.schedule === 'own' && 'days' in parsed ? parsed.days : null;
    try {
      const next = await notifyApi.saveReminders(projectId, { paused: values.paused, days });
      queryClient.setQueryData(notifyKeys.reminders(projectId), next);
      form.reset(toValues(next));
      setSaved(true);
    } catch (err) {
      setError(toApiError(err).message);
    }
  });

  return (
    <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
      <ErrorBanner message={error} />
      <label className="checkbox">
        <input type="checkbox" {...form.register('paused')} />
        {t('notify.reminders.pause')}
      </label>
      <fieldset className="stack-tight">
        <legend>{t('notify.reminders.schedule')}</legend>
        <label className="checkbox">
          <input type="radio" value="default" {...form.register('schedule')} />
          {defaultDays !== null
            ? t('notify.reminders.default.days', { days: formatDays(defaultDays) })
            : t('notify.reminders.default')}
        </label>
        <label className="checkbox">
          <input type="radio" value="own" {...form.register('schedule')} />
          {t('notify.reminders.own')}
        </label>
      </fieldset>
      {own ? (
        <TextField
          label={t('notify.reminders.own.label')}
          hint={t('notify.days.hint')}
          inputMode="numeric"
          autoComplete="off"
          {...form.register('days')}
          error={form.formState.errors.days?.message}
        />
      ) : null}
      <div className="actions">
        <button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? t('notify.saving') : t('notify.reminders.save')}
        </button>
      </div>
      <SuccessNote>{saved ? t('notify.reminders.saved') : null}</SuccessNote>
    </form>
  );
}
