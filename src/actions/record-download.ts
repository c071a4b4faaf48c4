import { logDownload } from '../db/queries/download-log';
import type { FileRow } from '../db/schema';
import { clientAddressKey } from '../domain/client-address';
import type { DownloadCaller } from './authorize-download';
import { nowOf, type ActionContext } from './context';
import { scheduleDownloadNotice } from './schedule-notifications';

/**
 * Logs a download once its bytes have gone out (or the client went away part-way), merged into
 * the hour's row for that file and downloader. Downloads are not activity entries: a client
 * resuming a large file in ranges would otherwise grow the project's record without bound.
 */
export async function recordDownload(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    file: FileRow;
    caller: DownloadCaller;
    ip: string;
    span: { start: number; end: number };
    bytesSent: number;
    via: 'stream' | 'presigned';
  },
): Promise<void> {
  const { file } = options;
  const at = nowOf(options).toISOString();
  // One transaction: whoever sees the download logged also finds its notice scheduled.
  await options.db.transaction().execute(async (trx) => {
    await logDownload(trx, {
      fileId: file.id,
      projectId: file.project_id,
      actorType: options.caller.kind,
      address: clientAddressKey(options.ip),
      via: options.via,
      bytes: options.bytesSent,
      complete:
        options.via === 'stream' &&
        options.span.start === 0 &&
        file.size > 0 &&
        options.bytesSent >= file.size,
      at,
    });
    if (options.caller.kind === 'client') {
      await scheduleDownloadNotice(trx, { projectId: file.project_id, now: at });
    }
  });
}
