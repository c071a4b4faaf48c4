/**
 * Invoices and credit notes: the project's VAT, the freelancer's tax details, issuing and
 * cancelling, and the PDF for both parties in the reader's language (404 for anyone else).
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cancelInvoice } from '../../actions/cancel-invoice';
import { invoiceSnapshotOf } from '../../actions/invoice-documents';
import { issueInvoice } from '../../actions/issue-invoice';
import { getProject } from '../../actions/read-projects';
import { setProjectVat } from '../../actions/set-project-vat';
import { updateTaxDetails } from '../../actions/update-tax-details';
import { findOwnedClient } from '../../db/queries/clients';
import {
  findInvoice,
  listInvoicesOfProject,
  type InvoiceWithStatus,
} from '../../db/queries/invoices';
import { findProjectById } from '../../db/queries/projects';
import { notFound } from '../../domain/errors';
import { MAX_VAT_BASIS_POINTS, VAT_MODES } from '../../domain/invoice';
import type { Locale } from '../../i18n';
import type { PdfRenderer } from '../../mail/renderer';
import { clientOf, freelancerOf } from '../authentication';
import { id, multilineText, text } from '../schemas';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

const vatView = z.object({
  mode: z.enum(VAT_MODES),
  rateBp: z.number().int().min(0).max(MAX_VAT_BASIS_POINTS),
});
const taxView = z.object({ taxId: z.string(), postalAddress: z.string() });
const invoiceView = z.object({
  id: z.string(),
  kind: z.enum(['invoice', 'credit_note']),
  label: z.string(),
  milestoneId: z.string(),
  milestonePosition: z.number().int(),
  milestoneTitle: z.string(),
  issuedOn: z.string(),
  dueDate: z.string().nullable(),
  currency: z.string(),
  netMinor: z.number().int(),
  taxMinor: z.number().int(),
  grossMinor: z.number().int(),
  vat: vatView,
  /** Credit notes: the invoice they cancel. */
  cancelsId: z.string().nullable(),
  /** Invoices: the credit note that cancelled them. */
  cancelledById: z.string().nullable(),
});
const invoiceList = z.object({ invoices: z.array(invoiceView) });
const invoiceParams = z.object({ invoiceId: id });
const milestoneParams = z.object({ projectId: id, milestoneId: id });

function presentInvoice(row: InvoiceWithStatus): z.infer<typeof invoiceView> {
  const snapshot = invoiceSnapshotOf(row);
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    milestoneId: row.milestone_id,
    milestonePosition: snapshot.milestone.position,
    milestoneTitle: snapshot.milestone.title,
    issuedOn: row.issued_on,
    dueDate: row.due_date,
    currency: row.currency,
    netMinor: row.net_minor,
    taxMinor: row.tax_minor,
    grossMinor: row.gross_minor,
    vat: { mode: snapshot.amounts.mode, rateBp: snapshot.amounts.rateBp },
    cancelsId: row.cancels_id,
    cancelledById: row.cancelled_by,
  };
}

async function sendPdf(
  renderer: PdfRenderer,
  reply: FastifyReply,
  row: InvoiceWithStatus | undefined,
  locale: Locale,
) {
  if (!row) throw notFound('Invoice');
  const pdf = await renderer.pdf({ kind: 'invoice', invoice: invoiceSnapshotOf(row), locale });
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${row.label}.pdf"`)
    .header('cache-control', 'private, no-cache')
    .send(pdf);
}

export const invoiceRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, clock, renderer },
) => {
  app.get(
    '/settings/tax',
    { schema: { tags: ['settings'], response: { 200: taxView } } },
    async (request) => {
      const { user } = freelancerOf(request);
      return { taxId: user.tax_id, postalAddress: user.postal_address };
    },
  );

  app.put(
    '/settings/tax',
    {
      schema: {
        tags: ['settings'],
        body: z.strictObject({ taxId: text(50), postalAddress: multilineText(500) }),
        response: { 200: taxView },
      },
    },
    async (request) => {
      const user = await updateTaxDetails({
        db,
        clock,
        userId: freelancerOf(request).user.id,
        details: request.body,
      });
      return { taxId: user.tax_id, postalAddress: user.postal_address };
    },
  );

  app.get(
    '/projects/:projectId/vat',
    { schema: { tags: ['invoices'], params: projectParams, response: { 200: vatView } } },
    async (request) => {
      const { project } = await getProject({
        db,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
      });
      return { mode: project.vat_mode, rateBp: project.vat_rate_bp };
    },
  );

  app.put(
    '/projects/:projectId/vat',
    {
      schema: {
        tags: ['invoices'],
        params: projectParams,
        body: vatView.strict(),
        response: { 200: vatView },
      },
    },
    async (request) => {
      const project = await setProjectVat({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
        vat: request.body,
      });
      return { mode: project.vat_mode, rateBp: project.vat_rate_bp };
    },
  );

  app.get(
    '/projects/:projectId/invoices',
    { schema: { tags: ['invoices'], params: projectParams, response: { 200: invoiceList } } },
    async (request) => {
      const { project } = await getProject({
        db,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
      });
      return { invoices: (await listInvoicesOfProject(db, project.id)).map(presentInvoice) };
    },
  );

  app.post(
    '/projects/:projectId/milestones/:milestoneId/invoice',
    {
      schema: {
        tags: ['invoices'],
        params: milestoneParams,
        response: { 201: z.object({ invoice: invoiceView }) },
      },
    },
    async (request, reply) => {
      const ownerId = freelancerOf(request).user.id;
      const row = await issueInvoice({ db, clock, ownerId, ...request.params });
      const found = await findInvoice(db, { ownerId }, row.id);
      if (!found) throw notFound('Invoice');
      return reply.status(201).send({ invoice: presentInvoice(found) });
    },
  );

  app.post(
    '/invoices/:invoiceId/cancel',
    {
      schema: {
        tags: ['invoices'],
        params: invoiceParams,
        body: z.strictObject({ reissue: z.boolean().default(false) }),
        response: {
          200: z.object({ creditNote: invoiceView, invoice: invoiceView.nullable() }),
        },
      },
    },
    async (request) => {
      const ownerId = freelancerOf(request).user.id;
      const result = await cancelInvoice({
        db,
        clock,
        ownerId,
        invoiceId: request.params.invoiceId,
        reissue: request.body.reissue,
      });
      const read = async (invoiceId: string) => {
        const found = await findInvoice(db, { ownerId }, invoiceId);
        if (!found) throw notFound('Invoice');
        return presentInvoice(found);
      };
      return {
        creditNote: await read(result.creditNote.id),
        invoice: result.invoice ? await read(result.invoice.id) : null,
      };
    },
  );

  app.get(
    '/invoices/:invoiceId/pdf',
    { schema: { tags: ['invoices'], params: invoiceParams } },
    async (request, reply) => {
      const { user } = freelancerOf(request);
      return sendPdf(
        renderer,
        reply,
        await findInvoice(db, { ownerId: user.id }, request.params.invoiceId),
        user.locale,
      );
    },
  );
};

/** Registered inside the client-authenticated portal scope. */
export const portalInvoiceRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, renderer },
) => {
  app.get(
    '/portal/invoices',
    { schema: { tags: ['portal'], response: { 200: invoiceList } } },
    async (request) => ({
      invoices: (await listInvoicesOfProject(db, clientOf(request).projectId)).map(presentInvoice),
    }),
  );

  app.get(
    '/portal/invoices/:invoiceId/pdf',
    { schema: { tags: ['portal'], params: invoiceParams } },
    async (request, reply) => {
      const { projectId } = clientOf(request);
      const row = await findInvoice(db, { projectId }, request.params.invoiceId);
      const project = await findProjectById(db, projectId);
      const client = project && (await findOwnedClient(db, project.owner_id, project.client_id));
      return sendPdf(renderer, reply, row, client?.locale ?? 'en');
    },
  );
};
