/**
 * A project's invoices and credit notes, newest first, each with its PDF; for the freelancer,
 * also the milestones that can be invoiced now (open, or delivered and unpaid without a standing
 * invoice), each asked once before it is issued.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner, SuccessNote } from '../components/Notice';
import { toApiError } from '../hooks';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { invalidateProject } from '../queries';
import type { Milestone } from '../types';
import { invoiceApi, invoiceKeys, type Invoice } from './invoice-api';
import { InvoiceRows } from './InvoiceRows';

/** Whether a milestone can get an invoice now (the server decides; this only offers the button). */
function invoiceable(milestone: Milestone, invoices: readonly Invoice[]): boolean {
  if (milestone.status !== 'open' && milestone.status !== 'delivered') return false;
  if (milestone.status === 'delivered' && milestone.outstandingMinor <= 0) return false;
  return !invoices.some(
    (i) => i.kind === 'invoice' && i.milestoneId === milestone.id && i.cancelledById === null,
  );
}

export function InvoiceList({
  projectId,
  milestones,
  currency,
  readOnly,
}: {
  projectId: string;
  milestones: readonly Milestone[];
  currency: string;
  readOnly: boolean;
}) {
  const t = useT();
  const f = useFormat();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: invoiceKeys.invoices(projectId),
    queryFn: () => invoiceApi.invoices(projectId),
  });
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<string | null>(null);
  const invoices = list.data?.invoices ?? [];
  const ready = list.data ? milestones.filter((m) => invoiceable(m, invoices)) : [];

  async function issue(milestone: Milestone) {
    setError(null);
    setIssued(null);
    try {
      const { invoice } = await invoiceApi.issue(projectId, milestone.id);
      setIssued(t('invoices.issue.done', { label: invoice.label }));
    } catch (err) {
      setError(toApiError(err).message);
      throw err;
    } finally {
      await invalidateProject(queryClient, projectId);
    }
  }

  return (
    <section className="card stack" aria-labelledby="invoices-heading">
      <h2 id="invoices-heading">{t('invoices.list.heading')}</h2>
      <ErrorBanner message={error ?? list.error?.message} />
      <SuccessNote>{issued}</SuccessNote>
      {!readOnly && ready.length > 0 ? (
        <div className="stack">
          {ready.map((milestone) => (
            <ConfirmDialog
              key={milestone.id}
              trigger={
                <button type="button" className="button-secondary">
                  {t('invoices.issue.button', { position: milestone.position })}
                </button>
              }
              title={t('invoices.issue.title', { position: milestone.position })}
              consequences={[
                t('invoices.issue.what', {
                  amount: f.money(milestone.amountMinor, currency),
                  title: milestone.title,
                }),
                t('invoices.issue.final'),
              ]}
              confirmLabel={t('invoices.issue.confirm')}
              onConfirm={() => issue(milestone)}
            />
          ))}
        </div>
      ) : null}
      {list.data && invoices.length === 0 ? (
        <p className="muted">{t('invoices.list.none')}</p>
      ) : null}
      {invoices.length > 0 ? (
        <InvoiceRows invoices={invoices} realm="app" label={t('invoices.list.heading')} />
      ) : null}
    </section>
  );
}
