import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { ContractRecord } from './contract-api';

/**
 * Every version of the contract, newest first, each with its full text and, when the client
 * accepted it, who accepted and when. Both parties read the same list.
 */
export function ContractVersions({
  record,
  id,
  open = false,
  pdfUrl,
}: {
  record: ContractRecord;
  id?: string;
  open?: boolean;
  /** Where an accepted version's PDF downloads. */
  pdfUrl: (versionId: string) => string;
}) {
  const t = useT();
  const f = useFormat();
  const versions = [...record.versions].reverse();
  return (
    <details className="contract-versions" id={id} open={open}>
      <summary>{t('portal.contract.versions', { count: versions.length })}</summary>
      <ol className="contract-version-list stack" reversed>
        {versions.map((v) => {
          const acceptance = record.acceptances.find((a) => a.versionId === v.id);
          return (
            <li key={v.id} className="stack-tight" data-testid={`contract-version-${v.version}`}>
              <p>
                <strong>{t('portal.contract.version', { version: v.version })}</strong>{' '}
                <span className="muted">
                  {t('portal.contract.created', { date: f.dateTime(v.createdAt) })}
                </span>
              </p>
              <p>
                {acceptance ? (
                  <>
                    <span aria-hidden="true">✓ </span>
                    <T
                      id="portal.contract.acceptedBy"
                      values={{
                        name: <bdi>{acceptance.fullName}</bdi>,
                        date: f.dateTime(acceptance.acceptedAt),
                      }}
                    />
                  </>
                ) : (
                  <span className="muted">{t('portal.contract.notAccepted')}</span>
                )}
              </p>
              {acceptance ? (
                <p>
                  <a href={pdfUrl(v.id)} download>
                    {t('portal.contract.pdf', { version: v.version })}
                  </a>
                </p>
              ) : null}
              <details>
                <summary>{t('portal.contract.readVersion', { version: v.version })}</summary>
                <ContractText
                  text={v.text}
                  lang={v.locale}
                  label={t('portal.contract.version', { version: v.version })}
                />
              </details>
            </li>
          );
        })}
      </ol>
    </details>
  );
}

/**
 * The contract's exact words, scrollable, in the writer's direction and marked with the language
 * they were written in (a version accepted in English stays English when the screen is German).
 */
export function ContractText({
  text,
  label,
  lang,
}: {
  text: string;
  label: string;
  lang?: string;
}) {
  return (
    // A scrollable region must be reachable by keyboard (tabIndex 0).
    <div className="contract-text" role="region" aria-label={label} tabIndex={0}>
      <pre dir="auto" lang={lang}>
        <bdi>{text}</bdi>
      </pre>
    </div>
  );
}
