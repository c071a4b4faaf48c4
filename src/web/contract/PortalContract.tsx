/**
 * The client reviews the contract — its text, the milestones with their amounts — and accepts it
 * with their typed full name and a checkbox; lazily loaded into the portal. Accepted: which
 * version, when, and every version to read again.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { TextField } from '../components/Field';
import { ErrorBanner } from '../components/Notice';
import { toApiError } from '../hooks';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { Milestone, PortalView } from '../types';
import { contractApi, type ContractRecord } from './contract-api';
import { ContractText, ContractVersions } from './ContractVersions';
import { usePortalContract } from './usePortalContract';
import './contract.css';

const MAX_NAME = 200;

function MilestoneTable({
  milestones,
  currency,
  totalMinor,
}: {
  milestones: Milestone[];
  currency: string;
  totalMinor: number;
}) {
  const t = useT();
  const f = useFormat();
  return (
    <div className="contract-table-wrap">
      <table className="contract-table">
        <caption>{t('portal.contract.milestones')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('portal.contract.col.milestone')}</th>
            <th scope="col">{t('portal.contract.col.due')}</th>
            <th scope="col" className="num">
              {t('portal.contract.col.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {milestones.map((m) => (
            <tr key={m.id}>
              <th scope="row">
                {m.position}. <bdi>{m.title}</bdi>
              </th>
              <td>{f.date(m.dueDate)}</td>
              <td className="num">{f.money(m.amountMinor, currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t('portal.contract.col.total')}
            </th>
            <td className="num">{f.money(totalMinor, currency)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function AcceptForm({ record }: { record: ContractRecord }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [nameError, setNameError] = useState<string | undefined>();
  const [agreeError, setAgreeError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const trimmed = name.trim();
    // Names with control characters are refused by the server too; this says so early.
    // eslint-disable-next-line no-control-regex
    const badName = /[\u0000-\u001f\u007f]/.test(trimmed);
    setNameError(
      trimmed === ''
        ? t('portal.contract.nameRequired')
        : badName
          ? t('portal.contract.nameInvalid')
          : undefined,
    );
    setAgreeError(agreed ? undefined : t('portal.contract.agreeRequired'));
    if (trimmed === '' || badName || !agreed) return;
    setBusy(true);
    try {
      await contractApi.accept({ fullName: trimmed, sha256: record.current.sha256 });
    } catch (err) {
      const e = toApiError(err);
      if (e.field === 'fullName') setNameError(e.message);
      else setError(e.message);
    } finally {
      setBusy(false);
    }
    // Accepted, or the contract changed meanwhile: show what is true now.
    await queryClient.invalidateQueries({ queryKey: ['portal'] });
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorBanner message={error} />
      <TextField
        label={t('portal.contract.fullName')}
        hint={t('portal.contract.fullNameHint')}
        autoComplete="name"
        maxLength={MAX_NAME}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={nameError}
      />
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={agreed}
            onChange={(e) => setAgreed(e.target.checked)}
            aria-invalid={agreeError ? true : undefined}
            aria-describedby={agreeError ? 'contract-agree-error' : undefined}
          />
          {t('portal.contract.agree', { version: record.current.version })}
        </label>
        {agreeError ? (
          <p className="field-error" id="contract-agree-error">
            {agreeError}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('portal.contract.accept')}
        </button>
      </div>
    </form>
  );
}

export default function PortalContract({
  view,
  milestones,
}: {
  view: PortalView;
  milestones: Milestone[];
}) {
  const t = useT();
  const f = useFormat();
  const contract = usePortalContract(view);
  const record = contract.data;
  const archived = view.project.archivedAt !== null;
  if (!record) {
    return contract.error ? <ErrorBanner message={contract.error.message} /> : null;
  }
  const { current } = record;
  const accepted = current.acceptedAt !== null;
  return (
    <section className="card stack contract" id="contract" aria-labelledby="contract-heading">
      <h2 id="contract-heading" tabIndex={-1}>
        {t('portal.contract.heading')}
      </h2>
      {accepted ? (
        <p className="banner banner-success" data-testid="contract-accepted">
          <span aria-hidden="true">✓ </span>
          {t('portal.contract.youAccepted', {
            version: current.version,
            date: f.dateTime(current.acceptedAt ?? ''),
          })}{' '}
          <a href="#contract-versions">{t('portal.contract.seeVersions')}</a>
        </p>
      ) : (
        <p>{t('portal.contract.intro', { version: current.version })}</p>
      )}
      <MilestoneTable
        milestones={milestones}
        currency={view.project.currency}
        totalMinor={view.project.totalMinor}
      />
      {accepted ? null : (
        <>
          <ContractText
            text={current.text}
            lang={current.locale}
            label={t('portal.contract.version', { version: current.version })}
          />
          {archived ? (
            <p className="muted">{t('portal.contract.archived')}</p>
          ) : (
            <AcceptForm record={record} />
          )}
        </>
      )}
      <ContractVersions
        record={record}
        id="contract-versions"
        pdfUrl={(versionId) => `/api/portal/contract/versions/${encodeURIComponent(versionId)}/pdf`}
      />
    </section>
  );
}
