/**
 * The project's VAT (standard rate, reverse charge or small business) and its own offline payment
 * instructions (empty: the freelancer's from Settings).
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { SelectField, TextArea, TextField } from '../components/Field';
import { ErrorBanner, SuccessNote } from '../components/Notice';
import { z } from '../forms';
import { useT } from '../i18n';
import { invalidateProject, queries } from '../queries';
import type { Project } from '../types';
import { showServerError } from './form-errors';
import { invoiceApi, invoiceKeys, type ProjectVat, type VatMode } from './invoice-api';

const MODES: readonly VatMode[] = ['standard', 'reverse_charge', 'small_business'];

/** "19" or "7,5" (either decimal mark) as basis points, or null. */
function percentToBp(text: string): number | null {
  const match = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

function bpToPercent(bp: number, decimalMark: string): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest === 0
    ? String(whole)
    : `${whole}${decimalMark}${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

export function VatForm({ projectId, readOnly }: { projectId: string; readOnly: boolean }) {
  const vat = useQuery({
    queryKey: invoiceKeys.vat(projectId),
    queryFn: () => invoiceApi.vat(projectId),
  });
  const t = useT();
  return (
    <section className="card stack" aria-labelledby="vat-heading">
      <h2 id="vat-heading">{t('invoices.vat.heading')}</h2>
      <ErrorBanner message={vat.error?.message} />
      {vat.data ? <VatFields projectId={projectId} initial={vat.data} readOnly={readOnly} /> : null}
    </section>
  );
}

function VatFields({
  projectId,
  initial,
  readOnly,
}: {
  projectId: string;
  initial: ProjectVat;
  readOnly: boolean;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const schema = z
    .object({ mode: z.enum(['standard', 'reverse_charge', 'small_business']), rate: z.string() })
    .refine((v) => v.mode !== 'standard' || percentToBp(v.rate) !== null, {
      path: ['rate'],
      message: t('invoices.vat.rateInvalid'),
    });
  type Values = z.infer<typeof schema>;
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { mode: initial.mode, rate: bpToPercent(initial.rateBp, '.') },
  });
  const mode = form.watch('mode');

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    setBanner(null);
    try {
      const rateBp = values.mode === 'standard' ? (percentToBp(values.rate) ?? 0) : initial.rateBp;
      const next = await invoiceApi.putVat(projectId, { mode: values.mode, rateBp });
      queryClient.setQueryData(invoiceKeys.vat(projectId), next);
      setSaved(true);
    } catch (err) {
      setBanner(showServerError(form, err, ['mode']));
    } finally {
      // A change of VAT cancels standing invoices with credit notes and issues new ones.
      await invalidateProject(queryClient, projectId);
    }
  });

  return (
    <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
      <ErrorBanner message={banner} />
      <SelectField
        label={t('invoices.vat.mode')}
        disabled={readOnly}
        {...form.register('mode')}
        error={form.formState.errors.mode?.message}
      >
        {MODES.map((m) => (
          <option key={m} value={m}>
            {m === 'standard'
              ? t('invoices.vat.standard')
              : m === 'reverse_charge'
                ? t('invoices.vat.reverseCharge')
                : t('invoices.vat.smallBusiness')}
          </option>
        ))}
      </SelectField>
      {mode === 'standard' ? (
        <TextField
          label={t('invoices.vat.rate')}
          hint={t('invoices.vat.rateHint')}
          inputMode="decimal"
          disabled={readOnly}
          {...form.register('rate')}
          error={form.formState.errors.rate?.message}
        />
      ) : (
        <p className="hint">
          {mode === 'reverse_charge'
            ? t('invoices.vat.reverseChargeNote')
            : t('invoices.vat.smallBusinessNote')}
        </p>
      )}
      <p className="hint">{t('invoices.vat.changeNote')}</p>
      {!readOnly ? (
        <div className="actions">
          <button type="submit" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? t('common.saving') : t('invoices.vat.save')}
          </button>
        </div>
      ) : null}
      <SuccessNote>{saved ? t('invoices.vat.saved') : null}</SuccessNote>
    </form>
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

export function ProjectInstructionsForm({
  project,
  readOnly,
}: {
  project: Project;
  readOnly: boolean;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const profile = useQuery(queries.profile());
  const [saved, setSaved] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const schema = z.object({
    paymentInstructions: z
      .string()
      .max(5000, t('invoices.offline.tooLong'))
      .refine((v) => !CONTROL.test(v), t('invoices.controlChars')),
  });
  type Values = z.infer<typeof schema>;
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { paymentInstructions: project.paymentInstructions },
  });
  const fallback = profile.data?.paymentInstructions ?? '';

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    setBanner(null);
    try {
      await invoiceApi.patchProject(project.id, values);
      setSaved(true);
      await invalidateProject(queryClient, project.id);
    } catch (err) {
      setBanner(showServerError(form, err, ['paymentInstructions']));
    }
  });

  return (
    <section className="card stack" aria-labelledby="project-offline-heading">
      <h2 id="project-offline-heading">{t('invoices.projectOffline.heading')}</h2>
      <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
        <ErrorBanner message={banner} />
        <TextArea
          label={t('invoices.projectOffline.label')}
          hint={
            fallback.trim() !== ''
              ? t('invoices.projectOffline.hintDefault')
              : t('invoices.projectOffline.hintNone')
          }
          rows={4}
          disabled={readOnly}
          placeholder={fallback}
          {...form.register('paymentInstructions')}
          error={form.formState.errors.paymentInstructions?.message}
        />
        {!readOnly ? (
          <div className="actions">
            <button type="submit" disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? t('common.saving') : t('invoices.projectOffline.save')}
            </button>
          </div>
        ) : null}
        <SuccessNote>{saved ? t('invoices.projectOffline.saved') : null}</SuccessNote>
      </form>
    </section>
  );
}
