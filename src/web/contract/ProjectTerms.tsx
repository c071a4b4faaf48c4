/**
 * A project's own contract terms (issue #11): its review window in days and the outside mediator
 * its contract names (name and contact, plain text). The builder offers them when the project is
 * made (empty: the freelancer's defaults from Settings → Contract terms); the project page edits
 * them until the client accepts the contract, which then states them for good.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { TextField } from '../components/Field';
import { ErrorBanner, SuccessNote } from '../components/Notice';
import { z } from '../forms';
import { useT, type Translate } from '../i18n';
import { invalidateProject } from '../queries';
import { showServerError } from '../invoices/form-errors';
import { invoiceApi } from '../invoices/invoice-api';
import type { Project } from '../types';
import { contractApi, contractKeys } from './contract-api';
import { CONTROL, termsApi, termsKey } from './ContractTermsSettings';

export const MAX_MEDIATOR = 200;

/** Why a typed review window cannot be used, or null; empty is allowed when `optional`. */
export function reviewDaysProblem(text: string, t: Translate, optional: boolean): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? null : t('terms.error.days');
  const days = Number(trimmed);
  return /^\d+$/.test(trimmed) && days >= 1 && days <= 90 ? null : t('terms.error.days');
}

export function mediatorProblem(text: string, t: Translate): string | null {
  if (text.trim().length > MAX_MEDIATOR) return t('terms.error.mediatorTooLong');
  return CONTROL.test(text) || text.includes('\n') ? t('terms.error.control') : null;
}

/** The freelancer's defaults, for the hints ("Empty: 14 days"). */
function useDefaults(t: Translate) {
  const terms = useQuery({ queryKey: termsKey, queryFn: termsApi.get });
  const mediator = terms.data?.mediator.trim() ?? '';
  return {
    days: terms.data?.reviewWindowDays,
    mediator: mediator !== '' ? mediator : t('terms.project.mediator.unnamed'),
  };
}

export interface TermsDraft {
  reviewWindowDays: string;
  mediator: string;
}

/** The builder's section: both fields may stay empty (the defaults apply). */
export function BuilderTerms(props: {
  draft: TermsDraft;
  errors: Record<string, string>;
  onChange: (patch: Partial<TermsDraft>) => void;
}) {
  const t = useT();
  const defaults = useDefaults(t);
  const { draft, errors, onChange } = props;
  return (
    <section className="card stack" aria-labelledby="project-terms-heading">
      <h2 id="project-terms-heading">{t('terms.project.heading')}</h2>
      <p className="muted">{t('terms.project.lead')}</p>
      <div className="grid-2">
        <TextField
          label={t('terms.reviewWindow')}
          hint={
            defaults.days === undefined
              ? t('terms.project.reviewWindow.hintRange')
              : t('terms.project.reviewWindow.hint', { days: defaults.days })
          }
          inputMode="numeric"
          maxLength={2}
          value={draft.reviewWindowDays}
          onChange={(e) => onChange({ reviewWindowDays: e.target.value })}
          error={errors.reviewWindowDays}
        />
        <TextField
          label={t('terms.project.mediator')}
          hint={t('terms.project.mediator.hint', { fallback: defaults.mediator })}
          maxLength={MAX_MEDIATOR}
          autoComplete="off"
          value={draft.mediator}
          onChange={(e) => onChange({ mediator: e.target.value })}
          error={errors.mediator}
        />
      </div>
    </section>
  );
}

/**
 * The project page's disclosure: the project's review window and mediator, editable until the
 * client accepts the contract (the server refuses later changes: they need the client's consent).
 */
export function ProjectTerms({ project }: { project: Project }) {
  const t = useT();
  const defaults = useDefaults(t);
  const queryClient = useQueryClient();
  const contract = useQuery({
    queryKey: contractKeys.project(project.id),
    queryFn: () => contractApi.project(project.id),
  });
  const accepted = (contract.data?.acceptances.length ?? 0) > 0;
  const readOnly = accepted || project.archivedAt !== null;
  const [saved, setSaved] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const schema = z.object({
    reviewWindowDays: z.string().superRefine((v, ctx) => {
      const problem = reviewDaysProblem(v, t, false);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    mediator: z.string().superRefine((v, ctx) => {
      const problem = mediatorProblem(v, t);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
  });
  type Values = z.infer<typeof schema>;
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    values: {
      reviewWindowDays: String(project.reviewWindowDays),
      mediator: project.mediator ?? '',
    },
  });
  const errors = form.formState.errors;

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    setBanner(null);
    try {
      const mediator = values.mediator.trim();
      await invoiceApi.patchProject(project.id, {
        reviewWindowDays: Number(values.reviewWindowDays.trim()),
        mediator: mediator === '' ? null : mediator,
      });
      setSaved(true);
      await invalidateProject(queryClient, project.id);
    } catch (err) {
      setBanner(showServerError(form, err, ['reviewWindowDays', 'mediator']));
    }
  });

  return (
    <details className="side-section card" data-testid="project-terms">
      <summary>{t('terms.project.heading')}</summary>
      <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
        <p className="muted">{accepted ? t('terms.project.locked') : t('terms.project.lead')}</p>
        <ErrorBanner message={banner ?? contract.error?.message} />
        <TextField
          label={t('terms.reviewWindow')}
          hint={accepted ? undefined : t('terms.project.reviewWindow.hintRange')}
          inputMode="numeric"
          maxLength={2}
          disabled={readOnly}
          {...form.register('reviewWindowDays')}
          error={errors.reviewWindowDays?.message}
        />
        <TextField
          label={t('terms.project.mediator')}
          hint={
            accepted ? undefined : t('terms.project.mediator.hint', { fallback: defaults.mediator })
          }
          maxLength={MAX_MEDIATOR}
          autoComplete="off"
          disabled={readOnly}
          {...form.register('mediator')}
          error={errors.mediator?.message}
        />
        {!readOnly ? (
          <div className="actions">
            <button type="submit" disabled={form.formState.isSubmitting}>
              {form.formState.isSubmitting ? t('common.saving') : t('terms.project.save')}
            </button>
          </div>
        ) : null}
        <SuccessNote>{saved ? t('terms.project.saved') : null}</SuccessNote>
      </form>
    </details>
  );
}
