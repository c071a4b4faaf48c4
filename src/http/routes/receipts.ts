/** Receipts for both parties: lists, and the PDF rendered from the receipt's frozen snapshot. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { receiptPdf } from '../../actions/send-receipt';
import { getProject } from '../../actions/read-projects';
import { findClientLocaleOfProject } from '../../db/queries/clients';
import { findReceipt, listReceiptsOfOwner, listReceiptsOfProject } from '../../db/queries/receipts';
import type { ReceiptRow } from '../../db/schema';
import { notFound } from '../../domain/errors';
import { receiptLabel } from '../../domain/receipt';
import { clientOf, freelancerOf } from '../authentication';
import { presentReceipt } from '../presenters';
import { id, receiptView } from '../schemas';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';
import type { FastifyReply } from 'fastify';
import type { Locale } from '../../i18n';

const receiptParams = z.object({ receiptId: id });
const receiptList = z.object({ receipts: z.array(receiptView) });

/** The PDF in the reader's language: the freelancer's from Settings, the client's as set for them. */
async function sendPdf(
  { db, renderer }: Pick<RouteDeps, 'db' | 'renderer'>,
  reply: FastifyReply,
  receipt: ReceiptRow | undefined,
  locale: Locale,
) {
  if (!receipt) throw notFound('Receipt');
  const pdf = await receiptPdf(db, renderer, receipt, locale);
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${receiptLabel(receipt.number)}.pdf"`)
    .header('cache-control', 'private, no-cache')
    .send(pdf);
}

export const receiptRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db } = deps;
  app.get(
    '/receipts',
    { schema: { tags: ['receipts'], response: { 200: receiptList } } },
    async (request) => ({
      receipts: (await listReceiptsOfOwner(db, freelancerOf(request).user.id)).map(presentReceipt),
    }),
  );

  app.get(
    '/projects/:projectId/receipts',
    { schema: { tags: ['receipts'], params: projectParams, response: { 200: receiptList } } },
    async (request) => {
      const { project } = await getProject({
        db,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
      });
      return { receipts: (await listReceiptsOfProject(db, project.id)).map(presentReceipt) };
    },
  );

  app.get(
    '/receipts/:receiptId/pdf',
    { schema: { tags: ['receipts'], params: receiptParams } },
    async (request, reply) => {
      const { user } = freelancerOf(request);
      return sendPdf(
        deps,
        reply,
        await findReceipt(db, { ownerId: user.id }, request.params.receiptId),
        user.locale,
      );
    },
  );
};

/** Registered inside the client-authenticated portal scope. */
export const portalReceiptRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db } = deps;
  app.get(
    '/portal/receipts',
    { schema: { tags: ['portal'], response: { 200: receiptList } } },
    async (request) => ({
      receipts: (await listReceiptsOfProject(db, clientOf(request).projectId)).map(presentReceipt),
    }),
  );

  app.get(
    '/portal/receipts/:receiptId/pdf',
    { schema: { tags: ['portal'], params: receiptParams } },
    async (request, reply) => {
      const { projectId } = clientOf(request);
      return sendPdf(
        deps,
        reply,
        await findReceipt(db, { projectId }, request.params.receiptId),
        (await findClientLocaleOfProject(db, projectId)) ?? 'en',
      );
    },
  );
};
