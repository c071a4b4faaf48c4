/**
 * Deliverable files: listings for both parties, and the download route. Every byte a client
 * receives passes authorizeDownload first — whole files, ranges, HEAD and presigned URLs alike.
 */
import { create as contentDisposition } from 'content-disposition';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  authorizeDownload,
  unlockedForClient,
  type DownloadCaller,
} from '../../actions/authorize-download';
import { authorizeMilestoneDownload } from '../../actions/authorize-milestone-download';
import { recordDownload } from '../../actions/record-download';
import { zipFiles } from '../../files/milestone-zip';
import { getProject } from '../../actions/read-projects';
import { listDownloadLog } from '../../db/queries/download-log';
import { listFilesOfProject } from '../../db/queries/files';
import { parseRange } from '../../domain/byte-range';
import { AppError } from '../../domain/errors';
import { listPayments } from '../../db/queries/payments';
import { anyCallerAuthenticator, freelancerOf } from '../authentication';
import { SECURITY_HEADERS } from '../security-headers';
import { presentDownload, presentFile } from '../presenters';
import { downloadView, fileView } from '../schemas';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

const PRESIGNED_URL_SECONDS = 15 * 60;

/** The freelancer's view of a project's files and of who downloaded what. */
export const projectFileRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  app.get(
    '/projects/:projectId/files',
    {
      schema: {
        tags: ['files'],
        params: projectParams,
        response: { 200: z.object({ files: z.array(fileView), downloads: z.array(downloadView) }) },
      },
    },
    async (request) => {
      const { project } = await getProject({
        db,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
      });
      const [files, downloads] = await Promise.all([
        listFilesOfProject(db, project.id),
        listDownloadLog(db, project.id),
      ]);
      const names = new Map(files.map((f) => [f.id, f.name]));
      return {
        files: files.map((f) => presentFile(f, f.status === 'complete')),
        downloads: downloads.map((d) => presentDownload(d, names.get(d.file_id) ?? '')),
      };
    },
  );
};

/** Files of the client's own project, with what is unlocked. */
export async function listPortalFiles(db: RouteDeps['db'], projectId: string) {
  // The client sees a milestone's files once it is delivered, never while work is in progress.
  const [files, milestones, payments] = await Promise.all([
    listFilesOfProject(db, projectId),
    db
      .selectFrom('milestones')
      .select(['id', 'status'])
      .where('project_id', '=', projectId)
      .execute(),
    listPayments(db, projectId),
  ]);
  const unlocked = new Set(
    milestones
      .filter(
        (m) =>
          unlockedForClient(
            m.status,
            payments.filter((p) => p.milestone_id === m.id),
          ).unlocked,
      )
      .map((m) => m.id),
  );
  const shown = new Set(
    milestones.filter((m) => m.status === 'delivered' || m.status === 'paid').map((m) => m.id),
  );
  return files
    .filter((f) => f.status === 'complete' && shown.has(f.milestone_id))
    .map((f) => presentFile(f, unlocked.has(f.milestone_id)));
}

/** The download routes, reachable by the freelancer's session or the client's. */
export const downloadRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, storage, clock },
) => {
  app.addHook('onRequest', anyCallerAuthenticator(db, clock));
  const fileParams = z.object({ fileId: z.string().regex(/^[0-9a-f]{32}$/, 'must be a file id') });
  const callerOf = (request: {
    freelancer: { user: { id: string } } | null;
    client: { projectId: string } | null;
  }): DownloadCaller =>
    request.freelancer
      ? { kind: 'freelancer', userId: request.freelancer.user.id }
      : { kind: 'client', projectId: request.client?.projectId ?? '' };

  // GET and HEAD share one handler; Fastify's automatic HEAD would report Content-Length: 0.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/files/:fileId',
    exposeHeadRoute: false,
    schema: { tags: ['files'], params: fileParams },
    handler: async (request, reply) => {
      const caller = callerOf(request);
      const file = await authorizeDownload({ db, fileId: request.params.fileId, caller });
      const etag = `"sha256-${file.sha256 ?? file.id}"`;
      reply.headers({
        'accept-ranges': 'bytes',
        etag,
        'cache-control': 'private, no-cache',
        'content-type': 'application/octet-stream',
        'content-disposition': contentDisposition(file.name, { type: 'attachment' }),
        'x-content-type-options': 'nosniff',
        // Should the file be opened in our origin anyway, it runs nothing and reaches nothing.
        'content-security-policy': "default-src 'none'; sandbox",
      });
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      const ifRange = request.headers['if-range'];
      const range =
        ifRange !== undefined && ifRange !== etag
          ? { kind: 'whole' as const }
          : parseRange(request.headers.range, file.size);
      if (range.kind === 'unsatisfiable') {
        reply.header('content-range', `bytes */${file.size}`);
        throw new AppError(
          'RANGE_NOT_SATISFIABLE',
          `The range is outside the file's ${file.size} bytes`,
        );
      }
      const span =
        range.kind === 'partial'
          ? { start: range.start, end: range.end }
          : { start: 0, end: file.size - 1 };
      const length = file.size === 0 ? 0 : span.end - span.start + 1;
      if (range.kind === 'partial') {
        reply.status(206).header('content-range', `bytes ${span.start}-${span.end}/${file.size}`);
      }
      reply.header('content-length', String(length));
      if (request.method === 'HEAD' || length === 0) return reply.send();

      // Read now: once the client has gone, its socket no longer knows its address.
      const ip = request.ip;
      const logDownload = (bytesSent: number): void => {
        recordDownload({ db, clock, file, caller, ip, span, bytesSent, via: 'stream' }).catch(
          (error: unknown) => request.log.error({ err: error }, 'could not log a download'),
        );
      };
      if (storage.sendTo) {
        // Local disk: the headers as Fastify would send them, then the bytes from disk to the
        // socket through two reused buffers (no allocation per chunk; see sendSpan).
        reply.headers(SECURITY_HEADERS).hijack();
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          if (value !== undefined) reply.raw.setHeader(name, value);
        }
        reply.raw.writeHead(reply.statusCode);
        try {
          logDownload(await storage.sendTo(file.id, span, reply.raw));
        } catch (error) {
          // The stored file could not be read: a fault of this server, not a download.
          request.log.error({ err: error, fileId: file.id }, 'could not read a stored file');
          reply.raw.destroy();
        }
        return;
      }
      const stream = await storage.read(file.id, span);
      let bytesSent = 0;
      stream.on('data', (chunk: Buffer) => {
        bytesSent += chunk.length;
      });
      reply.raw.once('close', () => logDownload(bytesSent));
      return reply.send(stream);
    },
  });

  app.get(
    '/milestones/:milestoneId/files.zip',
    {
      schema: {
        tags: ['files'],
        description:
          "Download all: a milestone's files as one ZIP (stored, ZIP64 when large), streamed " +
          'from the store; pay-gated exactly like single downloads, each file logged.',
        params: z.object({ milestoneId: z.uuid({ message: 'must be a milestone id' }) }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { files, projectTitle, milestoneTitle, position } = await authorizeMilestoneDownload({
        db,
        milestoneId: request.params.milestoneId,
        caller,
      });
      const ip = request.ip;
      const zip = zipFiles({
        storage,
        files,
        onFile: (file, bytesSent) => {
          recordDownload({
            db,
            clock,
            file,
            caller,
            ip,
            span: { start: 0, end: file.size - 1 },
            bytesSent,
            via: 'stream',
          }).catch((error: unknown) =>
            request.log.error({ err: error }, 'could not log a download'),
          );
        },
        onError: (error) =>
          request.log.error({ err: error }, 'could not read a stored file for a ZIP'),
      });
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) zip.abort();
      });
      const name = `${projectTitle} - ${position}. ${milestoneTitle}.zip`;
      reply.headers({
        'cache-control': 'private, no-store',
        'content-type': 'application/zip',
        'content-disposition': contentDisposition(name, { type: 'attachment' }),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
      return reply.send(zip.stream);
    },
  );

  app.get(
    '/files/:fileId/url',
    {
      schema: {
        tags: ['files'],
        params: fileParams,
        response: { 200: z.object({ url: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const file = await authorizeDownload({ db, fileId: request.params.fileId, caller });
      if (!storage.presignDownload) {
        throw new AppError(
          'NOT_FOUND',
          'Signed URLs are offered only with object storage; use /api/files/:fileId',
        );
      }
      const url = await storage.presignDownload(file.id, {
        disposition: contentDisposition(file.name, { type: 'attachment' }),
        contentType: 'application/octet-stream',
        expiresInSeconds: PRESIGNED_URL_SECONDS,
      });
      await recordDownload({
        db,
        clock,
        file,
        caller,
        ip: request.ip,
        span: { start: 0, end: file.size - 1 },
        bytesSent: 0,
        via: 'presigned',
      });
      reply.header('cache-control', 'no-store');
      const expiresAt = new Date(clock.now().getTime() + PRESIGNED_URL_SECONDS * 1000);
      return { url, expiresAt: expiresAt.toISOString() };
    },
  );
};
