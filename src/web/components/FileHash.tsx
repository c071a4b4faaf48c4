import { CopyButton } from './CopyButton';
import { T, useT } from '../i18n';
import { shortHash } from '../format';

/**
 * A file's SHA-256: short enough to read in a list, the full value a click away (and in the
 * title), with a copy button, so either side can check the bytes they hold against it.
 */
export function FileHash({ sha256, name }: { sha256: string | null; name: string }) {
  const t = useT();
  if (sha256 === null) {
    return (
      <p className="hash muted">
        <T
          id="workspace.hash.pending"
          values={{ label: (chunks) => <span className="hash-label">{chunks}</span> }}
        />
      </p>
    );
  }
  return (
    <details className="hash">
      <summary>
        <span className="hash-label">SHA-256</span>{' '}
        <code title={sha256} className="hash-short">
          {shortHash(sha256)}
        </code>{' '}
        <span className="hash-toggle">
          <span className="when-closed">{t('workspace.hash.showFull')}</span>
          <span className="when-open">{t('workspace.hash.hideFull')}</span>
          <span className="visually-hidden"> {t('workspace.hash.of', { name })}</span>
        </span>
      </summary>
      <div className="hash-full">
        <code data-testid="sha256">{sha256}</code>
        <CopyButton
          text={sha256}
          label={
            <>
              {t('workspace.hash.copy')}
              <span className="visually-hidden"> {t('workspace.hash.of', { name })}</span>
            </>
          }
        />
      </div>
    </details>
  );
}

/**
 * The client's "Verify this file": closed by default, since most people never check; open, the
 * full SHA-256 with a copy button and a word on how to compare it.
 */
export function VerifyFile({ sha256, name }: { sha256: string; name: string }) {
  const t = useT();
  return (
    <details className="hash verify">
      <summary>
        {t('portal.verify.summary')}
        <span className="visually-hidden"> {name}</span>
      </summary>
      <div className="stack verify-body">
        <p className="muted">{t('portal.verify.explain')}</p>
        <div className="hash-full">
          <code data-testid="sha256">{sha256}</code>
          <CopyButton
            text={sha256}
            label={
              <>
                {t('portal.verify.copy')}
                <span className="visually-hidden"> {name}</span>
              </>
            }
          />
        </div>
      </div>
    </details>
  );
}
