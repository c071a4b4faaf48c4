import { formatByteCount, formatBytes, formatDateTime } from '../format';
import type { DeliverableFile, Download } from '../types';

const WHO = { freelancer: 'You', client: 'Client' } as const;

function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/**
 * Who downloaded which file, when, and how many bytes actually left the server; newest first.
 * Requests by one downloader from one address within an hour (resumes, ranges, repeats) are
 * merged into one line.
 */
export function DownloadLog({
  downloads,
  files,
}: {
  downloads: Download[];
  files: DeliverableFile[];
}) {
  const sizes = new Map(files.map((f) => [f.id, f.size]));
  const ordered = [...downloads].sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  return (
    <section className="card stack" aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">Downloads</h2>
      <p className="muted">
        Every download of a delivered file is logged with the bytes actually sent, so you can show
        when the client received the work. Requests within the same hour are counted together.
      </p>
      {ordered.length === 0 ? (
        <p>No downloads yet.</p>
      ) : (
        <ol className="activity downloads">
          {ordered.map((d) => {
            const size = sizes.get(d.fileId);
            const span =
              d.firstAt === d.lastAt
                ? formatDateTime(d.lastAt)
                : `${formatDateTime(d.firstAt)} – ${formatDateTime(d.lastAt)}`;
            return (
              <li key={d.id}>
                <span className="activity-what">
                  <strong>{WHO[d.actorType]}</strong> downloaded{' '}
                  {d.fileName ? <bdi>{d.fileName}</bdi> : 'a removed file'}
                </span>
                <span className="muted activity-meta">
                  {span} ·{' '}
                  {d.via === 'presigned' ? (
                    `signed link issued ${times(d.requests)}`
                  ) : (
                    <>
                      <span title={formatByteCount(d.bytes)}>{formatBytes(d.bytes)}</span>
                      {` in ${d.requests === 1 ? '1 request' : `${d.requests} requests`}`}
                      {d.completions > 0
                        ? ` (complete ${times(d.completions)})`
                        : size !== undefined && d.bytes < size
                          ? ` of ${formatBytes(size)} (incomplete)`
                          : ''}
                    </>
                  )}{' '}
                  · from {d.address}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
