/** The freelancer's postal address and tax id: printed on every invoice and receipt from now on. */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from '../forms';
import { useT } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import { showServerError } from '../invoices/form-errors';
import { invoiceApi, invoiceKeys, type TaxDetails } from '../invoices/invoice-api';
import { TextArea, TextField } from './Field';
import { ErrorBanner, Loading, SuccessNote } from './Notice';

export function TaxSettings() {
  return (
    <LazyMessages area="invoices">
      <TaxSettingsSection />
    </LazyMessages>
  );
}

function TaxSettingsSection() {
  const t = useT();
  const tax = useQuery({ queryKey: invoiceKeys.tax(), queryFn: invoiceApi.tax });
  return (
    <section className="card stack" aria-labelledby="tax-heading">
      <h2 id="tax-heading">{t('invoices.tax.heading')}</h2>
      <p className="muted">{t('invoices.tax.lead')}</p>
      <ErrorBanner message={tax.error?.message} />
      {tax.data ? <TaxForm initial={tax.data} /> : <Loading what={t('invoices.tax.heading')} />}
    </section>
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function TaxForm({ initial }: { initial: TaxDetails }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const schema = z.object({
    postalAddress: z
      .string()
      .trim()
      .max(500, t('invoices.tax.addressTooLong'))
      .refine((v) => !CONTROL.test(v), t('invoices.controlChars')),
    taxId: z
      .string()
      .trim()
      .max(50, t('invoices.tax.idTooLong'))
      .refine((v) => !CONTROL.test(v) && !v.includes('\n'), t('invoices.controlChars')),
  });
  type Values = z.infer<typeof schema>;
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: initial });

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    setBanner(null);
    try {
      const next = await invoiceApi.putTax(values);
      queryClient.setQueryData(invoiceKeys.tax(), next);
      form.reset(next);
      setSaved(true);
    } catch (err) {
      setBanner(showServerError(form, err, ['postalAddress', 'taxId']));
    }
  });

  return (
    <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
      <ErrorBanner message={banner} />
      <div className="grid-2">
        <TextArea
          label={t('invoices.tax.address')}
          hint={t('invoices.tax.addressHint')}
          rows={4}
          autoComplete="street-address"
          {...form.register('postalAddress')}
          error={form.formState.errors.postalAddress?.message}
        />
        <TextField
          label={t('invoices.tax.id')}
          hint={t('invoices.tax.idHint')}
          spellCheck={false}
          {...form.register('taxId')}
          error={form.formState.errors.taxId?.message}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? t('common.saving') : t('invoices.tax.save')}
        </button>
      </div>
      <SuccessNote>{saved ? t('invoices.tax.saved') : null}</SuccessNote>
    </form>
  );
}
