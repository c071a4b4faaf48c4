/**
 * How the client's portal presents the freelancer: the name it shows, the accent colour (checked
 * for contrast before it is saved) and the logo, with a preview of the portal's header.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type CSSProperties } from 'react';
import { useForm } from 'react-hook-form';
import { z } from '../forms';
import { toApiError } from '../hooks';
import { useT } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import { checkAccent, MIN_SHAPE_RATIO, MIN_TEXT_RATIO } from '../invoices/contrast';
import { showServerError } from '../invoices/form-errors';
import { invoiceApi } from '../invoices/invoice-api';
import { saveSettings } from '../invoices/settings-save';
import { keys, queries } from '../queries';
import type { Settings } from '../types';
import { TextField } from './Field';
import { ErrorBanner, Loading, SuccessNote } from './Notice';

const MAX_LOGO_BYTES = 512 * 1024;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export function BrandingSettings() {
  return (
    <LazyMessages area="invoices">
      <BrandingSettingsSection />
    </LazyMessages>
  );
}

function BrandingSettingsSection() {
  const t = useT();
  const profile = useQuery(queries.profile());
  return (
    <section className="card stack" aria-labelledby="branding-heading">
      <h2 id="branding-heading">{t('invoices.brand.heading')}</h2>
      <p className="muted">{t('invoices.brand.lead')}</p>
      <ErrorBanner message={profile.error?.message} />
      {profile.data ? (
        <>
          <BrandForm settings={profile.data} />
          <LogoField settings={profile.data} />
        </>
      ) : (
        <Loading what={t('invoices.brand.heading')} />
      )}
    </section>
  );
}

function BrandForm({ settings }: { settings: Settings }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const schema = z.object({
    brandName: z
      .string()
      .trim()
      .max(100, t('invoices.brand.nameTooLong'))
      // eslint-disable-next-line no-control-regex
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), t('invoices.controlChars')),
    accentColor: z
      .string()
      .trim()
      .refine((v) => v === '' || checkAccent(v) !== null, t('invoices.brand.accentInvalid'))
      .refine((v) => v === '' || checkAccent(v)?.passes === true, t('invoices.brand.accentFaint')),
  });
  type Values = z.infer<typeof schema>;
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    mode: 'onChange',
    defaultValues: { brandName: settings.brandName, accentColor: settings.accentColor ?? '' },
  });
  const accent = form.watch('accentColor').trim();
  const check = checkAccent(accent);
  const shownName =
    form.watch('brandName').trim() || settings.businessName.trim() || settings.name.trim();

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    setBanner(null);
    try {
      await saveSettings(queryClient, {
        brandName: values.brandName,
        accentColor: values.accentColor === '' ? null : values.accentColor,
      });
      setSaved(true);
    } catch (err) {
      setBanner(showServerError(form, err, ['brandName', 'accentColor']));
    }
  });

  const preview: CSSProperties | undefined = check
    ? ({ '--brand': accent, '--on-brand': check.text } as CSSProperties)
    : undefined;

  return (
    <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
      <ErrorBanner message={banner} />
      <div className="grid-2">
        <TextField
          label={t('invoices.brand.name')}
          hint={t('invoices.brand.nameHint')}
          autoComplete="organization"
          {...form.register('brandName')}
          error={form.formState.errors.brandName?.message}
        />
        <div className="stack brand-accent">
          <TextField
            label={t('invoices.brand.accent')}
            hint={t('invoices.brand.accentHint')}
            placeholder="#1A6B52"
            spellCheck={false}
            {...form.register('accentColor')}
            error={form.formState.errors.accentColor?.message}
          />
          <label className="inline-field">
            <input
              type="color"
              value={check ? accent.toLowerCase() : '#1d4ed8'}
              onChange={(e) =>
                form.setValue('accentColor', e.target.value, {
                  shouldValidate: true,
                  shouldDirty: true,
                })
              }
            />
            <span>{t('invoices.brand.pick')}</span>
          </label>
        </div>
      </div>
      <div className="brand-preview" style={preview} data-testid="brand-preview">
        <p className="muted">{t('invoices.brand.preview')}</p>
        <p>
          <strong>
            <bdi>{shownName}</bdi>
          </strong>
        </p>
        <span className="button-brand brand-preview-button">{t('invoices.brand.sample')}</span>
        {check ? (
          <p className={check.passes ? 'muted' : 'field-error'} data-testid="contrast-check">
            {t('invoices.brand.ratios', {
              text: check.textRatio.toFixed(1),
              minText: MIN_TEXT_RATIO,
              shape: check.shapeRatio.toFixed(1),
              minShape: MIN_SHAPE_RATIO,
            })}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? t('common.saving') : t('invoices.brand.save')}
        </button>
        {settings.accentColor !== null ? (
          <button
            type="button"
            className="button-secondary"
            onClick={() => form.setValue('accentColor', '', { shouldValidate: true })}
          >
            {t('invoices.brand.accentReset')}
          </button>
        ) : null}
      </div>
      <SuccessNote>{saved ? t('invoices.brand.saved') : null}</SuccessNote>
    </form>
  );
}

function LogoField({ settings }: { settings: Settings }) {
  const t = useT();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const logoUrl = settings.brand.logoUrl;

  async function run(step: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      setNote(await step());
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  function upload(file: File | undefined) {
    if (!file) return;
    if (!LOGO_TYPES.includes(file.type)) {
      setError(t('invoices.logo.wrongType'));
      return;
    }
    if (file.size > MAX_LOGO_BYTES) {
      setError(t('invoices.logo.tooLarge'));
      return;
    }
    void run(async () => {
      queryClient.setQueryData(keys.profile(), await invoiceApi.putLogo(file));
      return t('invoices.logo.saved');
    });
  }

  return (
    <div className="stack logo-field">
      <h3>{t('invoices.logo.heading')}</h3>
      <ErrorBanner message={error} />
      {logoUrl ? (
        <img
          className="portal-logo logo-preview"
          src={logoUrl}
          alt={t('invoices.logo.alt')}
          height={40}
          data-testid="logo-preview"
        />
      ) : (
        <p className="muted">{t('invoices.logo.none')}</p>
      )}
      <div className="actions">
        <label className="button button-secondary file-button">
          {logoUrl ? t('invoices.logo.replace') : t('invoices.logo.choose')}
          <input
            ref={input}
            type="file"
            className="visually-hidden"
            accept={LOGO_TYPES.join(',')}
            disabled={busy}
            onChange={(e) => upload(e.target.files?.[0])}
          />
        </label>
        {logoUrl ? (
          <button
            type="button"
            className="button-secondary"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await invoiceApi.removeLogo();
                await queryClient.invalidateQueries({ queryKey: keys.profile() });
                return t('invoices.logo.removed');
              })
            }
          >
            {t('invoices.logo.remove')}
          </button>
        ) : null}
      </div>
      <p className="hint">{t('invoices.logo.hint')}</p>
      <SuccessNote>{note}</SuccessNote>
    </div>
  );
}
