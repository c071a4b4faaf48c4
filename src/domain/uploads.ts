/**
 * Rules for deliverable files: how many, how large, and what an upload id may look like.
 */
import { AppError } from './errors';
import { stripBidiControls, textProblem } from './text-rules';

export const MAX_FILES_PER_MILESTONE = 5;
export const MAX_FILE_BYTES = 5 * 1024 ** 3; // 5 GiB = 5,368,709,120 bytes

/** Our upload ids are 32 lowercase hex digits; anything else never reaches a store. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

export function isUploadId(value: string): boolean {
  return UPLOAD_ID.test(value);
}

export function assertFileSize(size: number, maxBytes: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new AppError('VALIDATION_FAILED', 'Upload-Length must be a whole number of bytes', {
      field: 'Upload-Length',
    });
  }
  if (size > maxBytes) {
    throw new AppError('FILE_TOO_LARGE', `A file may be at most ${maxBytes} bytes`, {
      field: 'Upload-Length',
    });
  }
}

export function assertRoomForFile(filesInMilestone: number, maxFiles: number): void {
  if (filesInMilestone >= maxFiles) {
    throw new AppError('FILE_LIMIT', `A milestone holds at most ${maxFiles} files`);
  }
}

/**
 * A file name safe to show and to offer for download: no paths, no control characters (callers
 * refuse those first; any left are dropped), no bidirectional overrides to disguise its type.
 */
export function cleanFileName(name: string): string {
  const base = stripBidiControls(name).split(/[\\/]/).pop() ?? '';
  const withoutControls = [...base].filter((c) => textProblem(c, 'single-line') === null).join('');
  const cleaned = withoutControls.trim().slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

/** Whether the client may have a milestone's files: only once it is paid, and not refunded in full. */
export function clientMayDownload(milestoneStatus: string, refundedInFull = false): boolean {
  return milestoneStatus === 'paid' && !refundedInFull;
}
