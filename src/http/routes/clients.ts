import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createClient, updateClient } from '../../actions/manage-clients';
import { findOwnedClient, listOwnedClients } from '../../db/queries/clients';
import { notFound } from '../../domain/errors';
import { freelancerOf } from '../authentication';
import { presentClient } from '../presenters';
import { clientView, email, id, locale, multilineText, requiredText, text } from '../schemas';
import type { RouteDeps } from './deps';

const clientParams = z.object({ clientId: id });
const clientResponse = z.object({ client: clientView });
const includeArchived = z.object({ includeArchived: z.enum(['true', 'false']).optional() });

export const clientRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  app.get(
    '/clients',
    {
      schema: {
        tags: ['clients'],
        querystring: includeArchived,
        response: { 200: z.object({ clients: z.array(clientView) }) },
      },
    },
    async (request) => {
      const clients = await listOwnedClients(
        db,
        freelancerOf(request).user.id,
        request.query.includeArchived === 'true',
      );
      return { clients: clients.map(presentClient) };
    },
  );

  app.post(
    '/clients',
    {
      schema: {
        tags: ['clients'],
        body: z.strictObject({
          name: requiredText(200),
          email,
          company: text(200).default(''),
          /** The client's language for mail and the portal; left out, the freelancer's. */
          locale: locale.optional(),
          taxId: text(50).default(''),
          postalAddress: multilineText(500).default(''),
        }),
        response: { 201: clientResponse },
      },
    },
    async (request, reply) => {
      const { user } = freelancerOf(request);
      const client = await createClient({
        db,
        ownerId: user.id,
        fields: { ...request.body, locale: request.body.locale ?? user.locale },
      });
      return reply.status(201).send({ client: presentClient(client) });
    },
  );

  app.get(
    '/clients/:clientId',
    { schema: { tags: ['clients'], params: clientParams, response: { 200: clientResponse } } },
    async (request) => {
      const client = await findOwnedClient(
        db,
        freelancerOf(request).user.id,
        request.params.clientId,
      );
      if (!client) throw notFound('Client');
      return { client: presentClient(client) };
    },
  );

  app.patch(
    '/clients/:clientId',
    {
      schema: {
        tags: ['clients'],
        params: clientParams,
        body: z.strictObject({
          name: requiredText(200).optional(),
          email: email.optional(),
          company: text(200).optional(),
          locale: locale.optional(),
          taxId: text(50).optional(),
          postalAddress: multilineText(500).optional(),
        }),
        response: { 200: clientResponse },
      },
    },
    async (request) => {
      const client = await updateClient({
        db,
        ownerId: freelancerOf(request).user.id,
        clientId: request.params.clientId,
        changes: request.body,
      });
      return { client: presentClient(client) };
    },
  );

  for (const [verb, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    app.post(
      `/clients/:clientId/${verb}`,
      { schema: { tags: ['clients'], params: clientParams, response: { 200: clientResponse } } },
      async (request) => {
        const client = await updateClient({
          db,
          ownerId: freelancerOf(request).user.id,
          clientId: request.params.clientId,
          changes: { archived },
        });
        return { client: presentClient(client) };
      },
    );
  }
};
