import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { updateSettings } from '../../actions/update-settings';
import { freelancerOf } from '../authentication';
import { locale, multilineText, requiredText, text, timeZone } from '../schemas';
import type { RouteDeps } from './deps';
import type { UserRow } from '../../db/schema';

const settingsBody = z.strictObject({
  name: requiredText(200),
  businessName: text(200),
  paymentInstructions: multilineText(5000),
  /** Left out, the zone stays as it is. */
  timeZone: timeZone.optional(),
  /** The language of the freelancer's mail; left out, it stays as it is. */
  locale: locale.optional(),
});
const settingsView = z.object({
  name: z.string(),
  businessName: z.string(),
  paymentInstructions: z.string(),
  timeZone: z.string(),
  locale,
});
const present = (user: UserRow): z.infer<typeof settingsView> => ({
  name: user.name,
  businessName: user.business_name,
  paymentInstructions: user.payment_instructions,
  timeZone: user.time_zone,
  locale: user.locale,
});

export const settingsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  app.get(
    '/settings',
    { schema: { tags: ['settings'], response: { 200: settingsView } } },
    async (request) => present(freelancerOf(request).user),
  );

  app.put(
    '/settings',
    { schema: { tags: ['settings'], body: settingsBody, response: { 200: settingsView } } },
    async (request) => {
      const user = await updateSettings({
        db,
        userId: freelancerOf(request).user.id,
        settings: request.body,
      });
      return present(user);
    },
  );
};
