import { fileDownloadUrl } from '../api';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { fileTypeLabel } from '../../domain/file-types';
import type { DeliverableFile, Milestone } from '../types';
import { FileHash } from './FileHash';
import { FileFacts } from './MilestoneFiles';

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
 * A delivered milestone's files as the client sees them: names, sizes, types and SHA-256 at
 * once; the download only once the milestone is paid.
 */
export function PortalFiles({
  milestone,
  files,
}: {
  milestone: Milestone;
  files: DeliverableFile[];
}) {
  const headingId = `pf-files-${milestone.id}`;
  const unlocked = files.some((f) => f.downloadable);
  const refunded = milestone.refundedInFull;
  const t = useT();
  const format = useFormat();
  const downloadable = files.filter((f) => f.downloadable);
  return (
    <section className="files stack" aria-labelledby={headingId}>
      <h4 id={headingId}>
        Files <span className="muted">({files.length})</span>
      </h4>
      {refunded ? (
        <p className="locked-note refunded-note">
          <LockIcon />
          <span>
            This milestone was refunded in full: its files are no longer available to download
            unless it is paid again.
          </span>
        </p>
      ) : files.length === 0 ? (
        <p className="muted">No files were delivered with this milestone.</p>
      ) : unlocked ? (
        <p className="banner banner-success unlock-note">
          Paid: these files are yours to download. Check each against its SHA-256 if you wish.
        </p>
      ) : (
        <p className="locked-note">
          <LockIcon />
          <span>
            {milestone.status === 'paid'
              ? 'These files are not available to download.'
              : 'Unlocks when this milestone is paid. You can check the names, sizes and SHA-256 checksums now.'}
          </span>
        </p>
      )}
      {downloadable.length > 0 ? (
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
        <ul className="file-list" aria-label={`Files of milestone ${milestone.position}`}>
          {files.map((file) => (
            <li key={file.id} className="file-row">
              <div className="file-head">
                <bdi className="file-name">{file.name}</bdi>
              </div>
              <p className="file-kind">
                {t('portal.files.kindAndSize', {
                  kind: fileTypeLabel(file.name, file.type, format.locale),
                  size: format.bytes(file.size),
                })}
              </p>
              <FileFacts file={file} />
              <FileHash sha256={file.sha256} name={file.name} />
              {file.downloadable ? (
                <div className="actions">
                  <a className="button" href={fileDownloadUrl(file.id)} download>
                    Download<span className="visually-hidden"> {file.name}</span>
                  </a>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
