/**
 * Resumable uploads with the tus 1.0 protocol (creation, creation-with-upload, termination,
 * expiration) at /api/uploads. Every request is checked here before tus sees it: the caller
 * must be the project's freelancer, ids must be ours (32 hex digits, nothing encoded), bytes may
 * go only to an unfinished upload in the open milestone, and tus's own GET is not offered —
 * files leave only through /api/files, behind the payment check.
 */
import { Server } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { completeUpload } from '../../actions/complete-upload';
import { removeFile } from '../../actions/remove-file';
import { reserveUpload } from '../../actions/reserve-upload';
import { deleteFileRow, findOwnedFile } from '../../db/queries/files';
import { AppError, notFound } from '../../domain/errors';
import { textProblem } from '../../domain/text-rules';
import { isUploadId } from '../../domain/uploads';
import { HashingStore } from '../../files/hashing-store';
import { CSRF_HEADER, freelancerOf } from '../authentication';
import { sendWebResponse, webRequestOf } from '../web-bridge';
import type { RouteDeps } from './deps';

export const UPLOADS_PATH = '/api/uploads';
// The id reserved for each creation request, handed to tus's naming function.
const reservedIds = new WeakMap<Request, string>();

export function createTusServer({ db, config, clock, storage, events }: RouteDeps): {
  tus: Server;
  store: HashingStore;
} {
  const store = new HashingStore(storage);
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: store,
    maxSize: config.limits.maxFileBytes,
    relativeLocation: true,
    respectForwardedHeaders: config.trustProxy,
    allowedOrigins: [new URL(config.publicUrl).origin],
    allowedCredentials: true,
    allowedHeaders: [CSRF_HEADER],
    namingFunction: (req) => {
      const id = reservedIds.get(req);
      if (!id) throw { status_code: 500, body: 'Upload was not reserved\n' };
      return id;
    },
    getFileIdFromRequest: (_req, lastPath) =>
      lastPath && isUploadId(lastPath) ? lastPath : undefined,
    onUploadFinish: async (_req, upload) => {
      const size = upload.size ?? upload.offset;
      await completeUpload({
        db,
        clock,
        events,
        fileId: upload.id,
        size,
        sha256: await store.digest(upload.id, size),
      });
      return {};
    },
  });
  return { tus, store };
}

/**
 * Reads tus's Upload-Metadata header: comma-separated "key base64value" pairs. Malformed
 * metadata (bad base64, repeated keys) is refused here, before a slot is reserved.
 */
function parseMetadata(header: string | string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof header !== 'string' || header.trim() === '') return result;
  for (const pair of header.split(',')) {
    const [key = '', value = '', ...rest] = pair.trim().split(' ');
    const wellFormed =
      /^[^\s,]+$/.test(key) &&
      rest.length === 0 &&
      /^[A-Za-z0-9+/]*={0,2}$/.test(value) &&
      !(key in result);
    if (!wellFormed) {
      throw new AppError('VALIDATION_FAILED', 'Upload-Metadata is malformed', {
        field: 'Upload-Metadata',
      });
    }
    result[key] = decodeMetadataValue(key, value);
  }
  return result;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** One metadata value: base64 of UTF-8 text that passes the text rules (one line). */
function decodeMetadataValue(key: string, base64: string): string {
  let value: string;
  try {
    value = strictUtf8.decode(Buffer.from(base64, 'base64'));
  } catch {
    throw new AppError('VALIDATION_FAILED', `Upload-Metadata: ${key} is not UTF-8 text`, {
      field: key,
    });
  }
  const problem = textProblem(value, 'single-line');
  if (problem !== null) {
    throw new AppError('VALIDATION_FAILED', `Upload-Metadata: ${key} ${problem}`, { field: key });
  }
  return value;
}

/** The id in the raw request path, so an encoded "/" or ".." can never be decoded into one. */
function rawUploadId(request: FastifyRequest): string {
  const path = (request.raw.url ?? '').split('?')[0] ?? '';
  const id = path.slice(UPLOADS_PATH.length + 1);
  if (!isUploadId(id))
    throw new AppError('VALIDATION_FAILED', 'Not an upload id', { field: 'uploadId' });
  return id;
}

/**
 * tus discovery: OPTIONS answers without a session (the tus 1.0 core lets any client ask, and a
 * browser's CORS preflight carries no cookie) with Tus-Version, Tus-Max-Size and Tus-Extension.
 * It reveals only the server's configuration.
 */
export async function uploadDiscoveryRoutes(
  app: FastifyInstance,
  { tus }: { tus: Server },
): Promise<void> {
  const discover = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const webRequest = webRequestOf(request.raw, reply.raw);
    reply.hijack();
    await sendWebResponse(reply.raw, await tus.handleWeb(webRequest));
  };
  app.options('/uploads', discover);
  app.options('/uploads/:uploadId', discover);
}

export async function uploadRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { tus: Server; store: HashingStore },
): Promise<void> {
  const { db, config, clock, storage, tus, store } = deps;
  // tus streams the body itself; Fastify must leave it unread.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) =>
    done(null),
  );

  /**
   * A server stopped (killed, or its disk pulled) between storing an upload's last byte and
   * recording it leaves every byte stored and the file still "uploading". The client's HEAD then
   * reads Upload-Offset = Upload-Length and, as tus says, sends nothing more: so the HEAD records
   * the upload as finished, from the stored bytes.
   */
  async function finishIfFullyStored(fileId: string): Promise<void> {
    const upload = await store.getUpload(fileId).catch(() => undefined);
    if (upload?.size === undefined || upload.offset !== upload.size) return;
    await completeUpload({
      db,
      clock,
      events: deps.events,
      fileId,
      size: upload.size,
      sha256: await store.digest(fileId, upload.size),
    });
  }

  /** Lets tus answer; `reservedId` names the file a creation request reserved. */
  async function passToTus(
    request: FastifyRequest,
    reply: FastifyReply,
    reservedId?: string,
  ): Promise<void> {
    const webRequest = webRequestOf(request.raw, reply.raw);
    if (reservedId) reservedIds.set(webRequest, reservedId);
    reply.hijack();
    await sendWebResponse(reply.raw, await tus.handleWeb(webRequest));
  }

  app.post('/uploads', async (request, reply) => {
    // Refuse what tus would refuse before a file slot is reserved for it.
    if (request.headers['tus-resumable'] !== '1.0.0') {
      throw new AppError('VALIDATION_FAILED', 'Tus-Resumable: 1.0.0 is required', {
        field: 'Tus-Resumable',
      });
    }
    if (
      request.headers['upload-defer-length'] !== undefined ||
      request.headers['upload-concat'] !== undefined
    ) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Uploads must declare Upload-Length; deferred length and concatenation are not offered',
        { field: 'Upload-Length' },
      );
    }
    const lengthHeader = request.headers['upload-length'];
    const size =
      typeof lengthHeader === 'string' && /^\d+$/.test(lengthHeader)
        ? Number(lengthHeader)
        : Number.NaN;
    const metadata = parseMetadata(request.headers['upload-metadata']);
    const milestoneId = metadata['milestoneId'] ?? '';
    if (!/^[0-9a-f-]{36}$/.test(milestoneId)) {
      throw new AppError('VALIDATION_FAILED', 'Upload-Metadata must name the milestoneId', {
        field: 'milestoneId',
      });
    }
    const file = await reserveUpload({
      db,
      config,
      clock,
      ownerId: freelancerOf(request).user.id,
      milestoneId,
      file: {
        name: metadata['filename'] ?? metadata['name'] ?? 'file',
        type: metadata['filetype'] ?? '',
        size,
      },
    });
    try {
      await passToTus(request, reply, file.id);
    } finally {
      // tus refused or failed the creation: give the slot back, leave no bytes behind.
      if (reply.raw.statusCode !== 201) {
        await deleteFileRow(db, file.id);
        await storage.remove(file.id).catch(() => undefined);
      }
    }
  });

  app.route({
    method: ['HEAD', 'PATCH'],
    url: '/uploads/:uploadId',
    handler: async (request, reply) => {
      const id = rawUploadId(request);
      const file = await findOwnedFile(db, freelancerOf(request).user.id, id);
      if (!file) throw notFound('Upload');
      if (request.method === 'PATCH') {
        const milestone = await db
          .selectFrom('milestones')
          .select(['status', 'position'])
          .where('id', '=', file.milestone_id)
          .executeTakeFirstOrThrow();
        if (milestone.status !== 'open' || file.status !== 'uploading') {
          throw new AppError(
            'UPLOAD_CLOSED',
            `This upload is closed: milestone ${milestone.position} is ${milestone.status}`,
          );
        }
      } else if (file.status === 'uploading') {
        await finishIfFullyStored(file.id);
      }
      await passToTus(request, reply);
    },
  });

  app.delete('/uploads/:uploadId', async (request, reply) => {
    await removeFile({
      db,
      clock,
      storage,
      ownerId: freelancerOf(request).user.id,
      fileId: rawUploadId(request),
    });
    return reply.status(204).header('tus-resumable', '1.0.0').send();
  });

  app.get('/uploads/:uploadId', { exposeHeadRoute: false }, async () => {
    throw new AppError(
      'NOT_FOUND',
      'Uploads are not served here; download files from /api/files/:fileId',
    );
  });
}
