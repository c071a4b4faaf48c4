/**
 * The contract: every version of its text for both parties, and the client's acceptance of the
 * current one (typed full name and the SHA-256 of the text read; IP and user agent recorded).
 * Registered once; each half sits behind its own party's authentication.
 */
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptContract, MAX_FULL_NAME_LENGTH } from '../../actions/accept-contract';
import { contractVersionPdf } from '../../actions/contract-pdf';
import { readContract, type ContractRecord } from '../../actions/read-contract';
import type { ContractAcceptanceRow, ContractVersionRow } from '../../db/schema';
import {
  clientAuthenticator,
  clientOf,
  freelancerAuthenticator,
  freelancerOf,
} from '../authentication';
import { id, requiredText } from '../schemas';
import type { FastifyReply } from 'fastify';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

export const contractAcceptanceView = z.object({
  id: z.string(),
  versionId: z.string(),
  version: z.number().int(),
  fullName: z.string(),
  acceptedAt: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  sha256: z.string(),
});
export const contractVersionView = z.object({
  id: z.string(),
  version: z.number().int(),
  locale: z.string(),
  text: z.string(),
  sha256: z.string(),
  reason: z.enum(['initial', 'changed', 'change_order', 'dispute']),
  createdAt: z.string(),
  /** When the client accepted this version; null: not accepted. */
  acceptedAt: z.string().nullable(),
});
export const contractRecordView = z.object({
  current: contractVersionView,
  /** Oldest first. */
  versions: z.array(contractVersionView),
  acceptances: z.array(contractAcceptanceView),
});
const acceptBody = z.strictObject({
  fullName: requiredText(MAX_FULL_NAME_LENGTH),
  sha256,
});

function presentVersion(
  v: ContractVersionRow,
  acceptances: ContractAcceptanceRow[],
): z.infer<typeof contractVersionView> {
  return {
    id: v.id,
    version: v.version,
    locale: v.locale,
    text: v.text,
    sha256: v.sha256,
    reason: v.reason,
    createdAt: v.created_at,
    acceptedAt: acceptances.find((a) => a.version_id === v.id)?.accepted_at ?? null,
  };
}

function presentAcceptance(
  a: ContractAcceptanceRow,
  versions: ContractVersionRow[],
): z.infer<typeof contractAcceptanceView> {
  return {
    id: a.id,
    versionId: a.version_id,
    version: versions.find((v) => v.id === a.version_id)?.version ?? 0,
    fullName: a.full_name,
    acceptedAt: a.accepted_at,
    ip: a.ip,
    userAgent: a.user_agent,
    sha256: a.sha256,
  };
}

function presentRecord(record: ContractRecord): z.infer<typeof contractRecordView> {
  return {
    current: presentVersion(record.current, record.acceptances),
    versions: record.versions.map((v) => presentVersion(v, record.acceptances)),
    acceptances: record.acceptances.map((a) => presentAcceptance(a, record.versions)),
  };
}

const versionParams = z.object({ versionId: id });

function sendPdf(reply: FastifyReply, file: { filename: string; pdf: Buffer }) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'private, no-cache')
    .send(file.pdf);
}

export const contractRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db, clock } = deps;

  await app.register(async (scope) => {
    scope.addHook('onRequest', freelancerAuthenticator(db, { required: true, clock }));
    scope.withTypeProvider<ZodTypeProvider>().get(
      '/projects/:projectId/contract',
      {
        schema: {
          tags: ['contracts'],
          params: projectParams,
          response: { 200: contractRecordView },
        },
      },
      async (request) =>
        presentRecord(
          await readContract({
            db,
            clock,
            projectId: request.params.projectId,
            ownerId: freelancerOf(request).user.id,
          }),
        ),
    );
    scope.withTypeProvider<ZodTypeProvider>().get(
      '/projects/:projectId/contract/versions/:versionId/pdf',
      {
        schema: {
          tags: ['contracts'],
          description: 'An accepted contract version as a PDF, with the acceptance block.',
          params: projectParams.extend(versionParams.shape),
        },
      },
      async (request, reply) =>
        sendPdf(
          reply,
          await contractVersionPdf({
            db,
            renderer: deps.renderer,
            projectId: request.params.projectId,
            versionId: request.params.versionId,
            ownerId: freelancerOf(request).user.id,
          }),
        ),
    );
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', clientAuthenticator(db, clock));
    const typed = scope.withTypeProvider<ZodTypeProvider>();
    typed.get(
      '/portal/contract',
      { schema: { tags: ['portal'], response: { 200: contractRecordView } } },
      async (request) =>
        presentRecord(await readContract({ db, clock, projectId: clientOf(request).projectId })),
    );
    typed.get(
      '/portal/contract/versions/:versionId/pdf',
      {
        schema: {
          tags: ['portal'],
          description: 'An accepted contract version as a PDF, with the acceptance block.',
          params: versionParams,
        },
      },
      async (request, reply) =>
        sendPdf(
          reply,
          await contractVersionPdf({
            db,
            renderer: deps.renderer,
            projectId: clientOf(request).projectId,
            versionId: request.params.versionId,
          }),
        ),
    );
    typed.post(
      '/portal/contract/accept',
      {
        schema: {
          tags: ['portal'],
          body: acceptBody,
          response: { 200: z.object({ acceptance: contractAcceptanceView }) },
        },
      },
      async (request) => {
        const { projectId } = clientOf(request);
        const acceptance = await acceptContract({
          db,
          clock,
          events: deps.events,
          projectId,
          fullName: request.body.fullName,
          sha256: request.body.sha256,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? '',
        });
        const record = await readContract({ db, clock, projectId });
        return { acceptance: presentAcceptance(acceptance, record.versions) };
      },
    );
  });
};
