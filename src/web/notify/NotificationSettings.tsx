/**
 * Settings → Email notifications: which mails the freelancer gets (the client's first visit,
 * terms accepted, payments, downloads, unread messages), and the payment reminders their clients
 * get by default (days after delivery, and the payment terms after which the overdue notice
 * goes). One form, saved together.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { TextField } from '../components/Field';
import { ErrorBanner, Loading, SuccessNote } from '../components/Notice';
import { z } from '../forms';
import { toApiError } from '../hooks';
import { useT, type Translate } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import { useKindLabel } from './kinds';
import { formatDays, MAX_DAY, parseDays } from './days';
import {
  FREELANCER_KINDS,
  notifyApi,
  notifyKeys,
  notifyQueries,
  type FreelancerNotifications,
} from './notify-api';

export function NotificationSettings() {
  return (
    <LazyMessages area="notify">
      <NotificationSection />
    </LazyMessages>
  );
}

function NotificationSection() {
  const t = useT();
  const loaded = useQuery(notifyQueries.freelancer());
  return (
    <section className="card stack" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">{t('notify.settings.heading')}</h2>
      <ErrorBanner message={loaded.error?.message} />
      {loaded.data ? (
        <NotificationForm initial={loaded.data} />
      ) : loaded.isPending ? (
        <Loading what={t('notify.settings.loading')} />
      ) : null}
    </section>
  );
}

/** Messages for a days field's problems, shared with the project's reminder form. */
export function daysMessage(t: Translate, text: string): string | null {
  const parsed = parseDays(text);
  if ('days' in parsed) return null;
  switch (parsed.problem) {
    case 'notDays':
      return t('notify.days.notDays', { max: MAX_DAY });
    case 'tooMany':
      return t('notify.days.tooMany');
    case 'repeated':
      return t('notify.days.repeated');
  }
}

function schemaFor(t: Translate) {
  return z.object({
    mail: z.object({
      client_visit: z.boolean(),
      terms_accepted: z.boolean(),
      payment: z.boolean(),
      downloads: z.boolean(),
      messages: z.boolean(),
    }),
    days: z.string().superRefine((text, ctx) => {
      const problem = daysMessage(t, text);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    paymentTermsDays: z
      .string()
      .trim()
      .regex(/^\d{1,3}$/, t('notify.settings.terms.invalid', { max: MAX_DAY }))
      .refine(
        (text) => Number(text) <= MAX_DAY,
        t('notify.settings.terms.invalid', { max: MAX_DAY }),
      ),
  });
}

type Values = z.infer<ReturnType<typeof schemaFor>>;

function toValues(view: FreelancerNotifications): Values {
  return {
    mail: view.mail,
    days: formatDays(view.reminders.days),
    paymentTermsDays: String(view.reminders.paymentTermsDays),
  };
}

function NotificationForm({ initial }: { initial: FreelancerNotifications }) {
  const t = useT();
  const kindLabel = useKindLabel();
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    resolver: zodResolver(schemaFor(t)),
    defaultValues: toValues(initial),
  });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const { errors } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setError(null);
    setSaved(false);
    const parsed = parseDays(values.days);
    if (!('days' in parsed)) return;
    try {
      const next = await notifyApi.saveFreelancer({
        mail: values.mail,
        reminders: { days: parsed.days, paymentTermsDays: Number(values.paymentTermsDays) },
      });
      queryClient.setQueryData(notifyKeys.freelancer(), next);
      form.reset(toValues(next));
      setSaved(true);
    } catch (err) {
      setError(toApiError(err).message);
    }
  });

  return (
    <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
      <ErrorBanner message={error} />
      <fieldset className="stack-tight">
        <legend>{t('notify.settings.mail.legend')}</legend>
        {FREELANCER_KINDS.map((kind) => (
          <label key={kind} className="checkbox">
            <input type="checkbox" {...form.register(`mail.${kind}`)} />
            {kindLabel('freelancer', kind)}
          </label>
        ))}
        <p className="hint">{t('notify.settings.mail.hint')}</p>
      </fieldset>
      <fieldset className="stack-tight">
        <legend>{t('notify.settings.reminders.legend')}</legend>
        <p className="hint">{t('notify.settings.reminders.hint')}</p>
        <div className="grid-2">
          <TextField
            label={t('notify.days.label')}
            hint={t('notify.days.hint')}
            inputMode="numeric"
            autoComplete="off"
            {...form.register('days')}
            error={errors.days?.message}
          />
          <TextField
            label={t('notify.settings.terms.label')}
            hint={t('notify.settings.terms.hint')}
            inputMode="numeric"
            autoComplete="off"
            {...form.register('paymentTermsDays')}
            error={errors.paymentTermsDays?.message}
          />
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? t('notify.saving') : t('notify.settings.save')}
        </button>
      </div>
      <SuccessNote>{saved ? t('notify.settings.saved') : null}</SuccessNote>
    </form>
  );
}
