import { formatByteCount, formatBytes, formatDateTime } from '../format';
import type { DeliverableFile, Download } from '../types';

const WHO = { freelancer: 'You', client: 'Client' } as const;

/** Who downloaded which file, when, and how many bytes actually left the server; newest first. */
export function DownloadLog({
  downloads,
  files,
}: {
  downloads: Download[];
  files: DeliverableFile[];
}) {
  const sizes = new Map(files.map((f) => [f.id, f.size]));
  const ordered = [...downloads].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <section className="card stack" aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">Downloads</h2>
      <p className="muted">
        Every download of a delivered file is logged with the bytes actually sent, so you can show
        when the client received the work.
      </p>
      {ordered.length === 0 ? (
        <p>No downloads yet.</p>
      ) : (
        <ol className="activity downloads">
          {ordered.map((d) => {
            const size = sizes.get(d.fileId);
            const partial = size !== undefined && (d.rangeStart > 0 || d.rangeEnd < size - 1);
            return (
              <li key={d.id}>
                <span className="activity-what">
                  <strong>{WHO[d.actorType]}</strong> downloaded{' '}
                  {d.fileName ? <bdi>{d.fileName}</bdi> : 'a removed file'}
                </span>
                <span className="muted activity-meta">
                  {formatDateTime(d.at)} ·{' '}
                  <span title={formatByteCount(d.bytesSent)}>
                    {formatBytes(d.bytesSent)}
                    {size !== undefined && !partial && d.via === 'stream'
                      ? d.bytesSent >= size
                        ? ' (complete)'
                        : ` of ${formatBytes(size)} (interrupted)`
                      : ''}
                  </span>
                  {partial ? ` · bytes ${d.rangeStart}–${d.rangeEnd}` : ''}
                  {d.via === 'presigned' ? ' · signed link issued' : ''} · from {d.ip}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
