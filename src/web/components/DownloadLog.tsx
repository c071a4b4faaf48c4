import { T, useT, type Translate } from '../i18n';
import { useFormat } from '../i18n/format';
import type { DeliverableFile, Download } from '../types';

function who(actor: Download['actorType'], t: Translate): string {
  return actor === 'freelancer' ? t('payments.downloads.you') : t('payments.downloads.client');
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
  const t = useT();
  const f = useFormat();
  const sizes = new Map(files.map((f) => [f.id, f.size]));
  const ordered = [...downloads].sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  return (
    <section className="card stack" aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">{t('payments.downloads.heading')}</h2>
      <p className="muted">{t('payments.downloads.explain')}</p>
      {ordered.length === 0 ? (
        <p>{t('payments.downloads.none')}</p>
      ) : (
        <ol className="activity downloads">
          {ordered.map((d) => {
            const size = sizes.get(d.fileId);
            const span =
              d.firstAt === d.lastAt
                ? f.dateTime(d.lastAt)
                : `${f.dateTime(d.firstAt)} – ${f.dateTime(d.lastAt)}`;
            return (
              <li key={d.id}>
                <span className="activity-what">
                  <T
                    id="payments.downloads.line"
                    values={{
                      who: <strong>{who(d.actorType, t)}</strong>,
                      file: d.fileName ? (
                        <bdi>{d.fileName}</bdi>
                      ) : (
                        t('payments.downloads.removedFile')
                      ),
                    }}
                  />
                </span>
                <span className="muted activity-meta">
                  {span} ·{' '}
                  {d.via === 'presigned' ? (
                    t('payments.downloads.signed', { count: d.requests })
                  ) : (
                    <>
                      <span title={f.byteCount(d.bytes)}>{f.bytes(d.bytes)}</span>
                      {t('payments.downloads.requests', { count: d.requests })}
                      {d.completions > 0
                        ? t('payments.downloads.complete', { count: d.completions })
                        : size !== undefined && d.bytes < size
                          ? t('payments.downloads.incomplete', { size: f.bytes(size) })
                          : ''}
                    </>
                  )}{' '}
                  · {t('payments.downloads.from', { address: d.address })}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
