import { fileDownloadUrl } from '../api';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { fileTypeLabel, formatFileSize } from '../../domain/file-types';
import type { DeliverableFile, Milestone } from '../types';
import { VerifyFile } from './FileHash';

function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path
        fill="currentColor"
        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 6V4.5a2 2 0 1 1 4 0V7H6Z"
      />
    </svg>
  );
}

/**
 * A delivered milestone's files as the client sees them: names, kinds and sizes in words
 * ("Figma file, 1.2 GB"); the checksum only behind "Verify this file"; the downloads (one ZIP of
 * all, or each file) once the milestone is paid.
 */
export function PortalFiles({
  milestone,
  files: all,
}: {
  milestone: Milestone;
  files: DeliverableFile[];
}) {
  // Files replaced during a revision are kept for the record, apart from the current delivery.
  const files = all.filter((f) => f.supersededAt === null);
  const replaced = all.filter((f) => f.supersededAt !== null);
  const headingId = `pf-files-${milestone.id}`;
  const t = useT();
  const format = useFormat();
  const sizeLocale = format.locale === 'de' ? 'de-DE' : 'en';
  const downloadable = files.filter((f) => f.downloadable);
  const unlocked = downloadable.length > 0;
  let note;
  if (milestone.refundedInFull) {
    note = (
      <p className="locked-note refunded-note">
        <LockIcon />
        <span>{t('portal.files.refunded')}</span>
      </p>
    );
  } else if (files.length === 0) {
    note = <p className="muted">{t('portal.files.none')}</p>;
  } else if (unlocked) {
    note = <p className="banner banner-success unlock-note">{t('portal.files.unlocked')}</p>;
  } else {
    note = (
      <p className="locked-note">
        <LockIcon />
        <span>
          {milestone.status === 'paid' ? t('portal.files.unavailable') : t('portal.files.locked')}
        </span>
      </p>
    );
  }
  return (
    <section
      className="files stack"
      id={`files-${milestone.id}`}
      tabIndex={-1}
      aria-labelledby={headingId}
    >
      <h4 id={headingId}>{t('portal.files.heading', { count: files.length })}</h4>
      {note}
      {unlocked ? (
        <div className="actions">
          <a
            className="button button-brand"
            href={`/api/milestones/${milestone.id}/files.zip`}
            download
            data-testid="download-all"
          >
            {t('portal.files.downloadAll', { count: downloadable.length })}
          </a>
        </div>
      ) : null}
      {files.length > 0 ? (
        <ul
          className="file-list"
          aria-label={t('portal.files.listLabel', { position: milestone.position })}
        >
          {files.map((file) => (
            <li key={file.id} className="file-row">
              <div className="file-head">
                <bdi className="file-name">{file.name}</bdi>
                {file.downloadable ? (
                  <a className="button button-secondary" href={fileDownloadUrl(file.id)} download>
                    {t('portal.files.download')}
                    <span className="visually-hidden"> {file.name}</span>
                  </a>
                ) : null}
              </div>
              <p className="file-kind" title={format.byteCount(file.size)}>
                {t('portal.files.kindAndSize', {
                  kind: fileTypeLabel(file.name, file.type, format.locale),
                  size: formatFileSize(file.size, sizeLocale),
                })}
              </p>
              {file.sha256 !== null ? <VerifyFile sha256={file.sha256} name={file.name} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {replaced.length > 0 ? (
        <details className="replaced-files" data-testid={`replaced-${milestone.id}`}>
          <summary>{t('portal.files.replacedHeading', { count: replaced.length })}</summary>
          <p className="muted">{t('portal.files.replacedExplain')}</p>
          <ul
            className="file-list"
            aria-label={t('portal.files.replacedLabel', { position: milestone.position })}
          >
            {replaced.map((file) => (
              <li key={file.id} className="file-row">
                <div className="file-head">
                  <bdi className="file-name">{file.name}</bdi>
                  <span className="badge badge-locked">{t('portal.files.replaced')}</span>
                </div>
                <p className="file-kind" title={format.byteCount(file.size)}>
                  {t('portal.files.kindAndSize', {
                    kind: fileTypeLabel(file.name, file.type, format.locale),
                    size: formatFileSize(file.size, sizeLocale),
                  })}
                </p>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
