/**
 * Settings → Contract terms: the freelancer's terms template in English and German (the client's
 * language picks one), the outside mediator their contracts name, and the review window new
 * projects start with; the placeholders the template may use, described beside it; and a preview
 * of the contract a sample project would get. A project the client already accepted keeps the
 * terms it accepted (README, "The contract").
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { app } from '../api';
import { ContractText } from './ContractVersions';
import './contract.css';
import { TextArea, TextField, SelectField } from '../components/Field';
import { ErrorBanner, Loading, SuccessNote } from '../components/Notice';
import { z } from '../forms';
import { toApiError } from '../hooks';
import { useT, type Translate } from '../i18n';
import type { BodyOf, ResponseOf } from '../types';

type Terms = ResponseOf<'/api/settings/contract-terms', 'get'>;
type TermsBody = BodyOf<'/api/settings/contract-terms', 'put'>;
type PreviewBody = BodyOf<'/api/settings/contract-terms/preview', 'post'>;

export const termsApi = {
  get: () => app.send((c) => c.GET('/api/settings/contract-terms')),
  put: (body: TermsBody) => app.send((c) => c.PUT('/api/settings/contract-terms', { body })),
  preview: (body: PreviewBody) =>
    app.send((c) => c.POST('/api/settings/contract-terms/preview', { body })),
};
export const termsKey = ['settings', 'contract-terms'] as const;

// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const PLACEHOLDER = /\{([^{}\n]{0,60})\}/g;

function unknownIn(template: string, known: readonly string[]): string[] {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((n) => !known.includes(n)))];
}

export function ContractTermsSettings() {
  const t = useT();
  const terms = useQuery({ queryKey: termsKey, queryFn: termsApi.get });
  return (
    <section className="card stack" aria-labelledby="terms-heading">
      <h2 id="terms-heading">{t('terms.heading')}</h2>
      <p className="muted">{t('terms.lead')}</p>
      <ErrorBanner message={terms.error?.message} />
      {terms.data ? <TermsForm initial={terms.data} /> : <Loading what={t('terms.heading')} />}
    </section>
  );
}

function schemaOf(t: Translate, known: readonly string[]) {
  const template = z
    .string()
    .max(20_000, t('terms.error.tooLong'))
    .refine((v) => !CONTROL.test(v), t('terms.error.control'))
    .superRefine((v, ctx) => {
      const unknown = unknownIn(v, known);
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: t('terms.error.unknown', {
            names: unknown.map((n) => `{${n}}`).join(', '),
            count: unknown.length,
          }),
        });
      }
    });
  return z.object({
    templateEn: template,
    templateDe: template,
    mediator: z
      .string()
      .trim()
      .max(200, t('terms.error.mediatorTooLong'))
      .refine((v) => !CONTROL.test(v) && !v.includes('\n'), t('terms.error.control')),
    reviewWindowDays: z.coerce
      .number<string | number>({ message: t('terms.error.days') })
      .int(t('terms.error.days'))
      .min(1, t('terms.error.days'))
      .max(90, t('terms.error.days')),
  });
}

const PLACEHOLDER_HELP = [
  'freelancer',
  'client',
  'project',
  'total',
  'currency',
  'mediator',
  'reviewDays',
  'milestoneCount',
  'revisionRounds',
] as const;

function TermsForm({ initial }: { initial: Terms }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const [previewLocale, setPreviewLocale] = useState<'en' | 'de'>('en');
  const [preview, setPreview] = useState<string | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const schema = schemaOf(t, initial.placeholders);
  type Values = z.input<typeof schema>;
  const valuesOf = (terms: Terms): Values => ({
    templateEn: terms.templates.en || terms.defaults.en,
    templateDe: terms.templates.de || terms.defaults.de,
    mediator: terms.mediator,
    reviewWindowDays: terms.reviewWindowDays,
  });
  const form = useForm<Values, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: valuesOf(initial),
  });
  const errors = form.formState.errors;

  const serverError = (err: unknown): string | null => {
    const error = toApiError(err);
    const field =
      error.field === 'templates.en'
        ? 'templateEn'
        : error.field === 'templates.de'
          ? 'templateDe'
          : error.field === 'mediator' || error.field === 'reviewWindowDays'
            ? error.field
            : null;
    if (field === null) return error.message;
    form.setError(field, { message: error.message });
    return null;
  };

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    setBanner(null);
    try {
      const next = await termsApi.put({
        templates: { en: values.templateEn, de: values.templateDe },
        mediator: values.mediator,
        reviewWindowDays: values.reviewWindowDays,
      });
      queryClient.setQueryData(termsKey, next);
      form.reset(valuesOf(next));
      setSaved(true);
    } catch (err) {
      setBanner(serverError(err));
    }
  });

  const showPreview = form.handleSubmit(async (values) => {
    setPreviewError(null);
    try {
      const { text } = await termsApi.preview({
        locale: previewLocale,
        template: previewLocale === 'de' ? values.templateDe : values.templateEn,
        mediator: values.mediator,
        reviewWindowDays: values.reviewWindowDays,
      });
      setPreview(text);
    } catch (err) {
      setPreviewError(toApiError(err).message);
    }
  });

  return (
    <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
      <ErrorBanner message={banner} />
      <div className="grid-2">
        <TextArea
          label={t('terms.template.en')}
          hint={t('terms.template.hint')}
          rows={12}
          {...form.register('templateEn')}
          error={errors.templateEn?.message}
        />
        <TextArea
          label={t('terms.template.de')}
          hint={t('terms.template.hint')}
          rows={12}
          lang="de"
          {...form.register('templateDe')}
          error={errors.templateDe?.message}
        />
      </div>
      <details>
        <summary>{t('terms.placeholders.heading')}</summary>
        <dl className="terms-placeholders">
          {PLACEHOLDER_HELP.map((name) => (
            <div key={name}>
              <dt>
                <code>{`{${name}}`}</code>
              </dt>
              <dd>{t(`terms.placeholder.${name}`)}</dd>
            </div>
          ))}
        </dl>
      </details>
      <div className="grid-2">
        <TextField
          label={t('terms.mediator')}
          hint={t('terms.mediator.hint')}
          {...form.register('mediator')}
          error={errors.mediator?.message}
        />
        <TextField
          label={t('terms.reviewWindow')}
          hint={t('terms.reviewWindow.hint')}
          type="number"
          inputMode="numeric"
          min={1}
          max={90}
          {...form.register('reviewWindowDays')}
          error={errors.reviewWindowDays?.message}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? t('common.saving') : t('terms.save')}
        </button>
      </div>
      <SuccessNote>{saved ? t('terms.saved') : null}</SuccessNote>
      <div className="stack">
        <h3>{t('terms.preview.heading')}</h3>
        <div className="actions">
          <SelectField
            label={t('terms.preview.language')}
            value={previewLocale}
            onChange={(e) => setPreviewLocale(e.target.value === 'de' ? 'de' : 'en')}
          >
            <option value="en">{t('terms.preview.en')}</option>
            <option value="de">{t('terms.preview.de')}</option>
          </SelectField>
          <button type="button" onClick={() => void showPreview()}>
            {t('terms.preview.show')}
          </button>
        </div>
        <ErrorBanner message={previewError} />
        {preview !== null ? (
          <div lang={previewLocale} data-testid="terms-preview">
            <ContractText text={preview} label={t('terms.preview.heading')} />
          </div>
        ) : null}
      </div>
    </form>
  );
}
