import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { updateSettings } from '../../actions/update-settings';
import { freelancerOf } from '../authentication';
import { requiredText, text } from '../schemas';
import type { RouteDeps } from './deps';

const settingsBody = z.strictObject({
  name: requiredText(200),
  businessName: text(200),
  paymentInstructions: text(5000),
});

export const settingsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  app.get(
    '/settings',
    { schema: { tags: ['settings'], response: { 200: settingsBody } } },
    async (request) => {
      const { user } = freelancerOf(request);
      return {
        name: user.name,
        businessName: user.business_name,
        paymentInstructions: user.payment_instructions,
      };
    },
  );

  app.put(
    '/settings',
    { schema: { tags: ['settings'], body: settingsBody, response: { 200: settingsBody } } },
    async (request) => {
      const user = await updateSettings({
        db,
        userId: freelancerOf(request).user.id,
        settings: request.body,
      });
      return {
        name: user.name,
        businessName: user.business_name,
        paymentInstructions: user.payment_instructions,
      };
    },
  );
};
