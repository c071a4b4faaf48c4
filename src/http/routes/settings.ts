import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { readLogo, removeLogo, setLogo } from '../../actions/branding';
import { updateSettings } from '../../actions/update-settings';
import { findLogoMeta } from '../../db/queries/brand-logos';
import { LOGO_TYPES, MAX_LOGO_BYTES } from '../../domain/brand';
import { freelancerOf } from '../authentication';
import { presentBrand } from '../presenters';
import {
  accentColor,
  brandView,
  locale,
  multilineText,
  noContent,
  requiredText,
  text,
  timeZone,
} from '../schemas';
import type { RouteDeps } from './deps';
import type { UserRow } from '../../db/schema';
import type { LogoMeta } from '../../db/queries/brand-logos';

const settingsBody = z.strictObject({
  name: requiredText(200),
  businessName: text(200),
  paymentInstructions: multilineText(5000),
  /** Left out, the zone stays as it is. */
  timeZone: timeZone.optional(),
  /** The language of the freelancer's mail; left out, it stays as it is. */
  locale: locale.optional(),
  /** The name the client's portal shows; empty: the business name, else the name. Left out: unchanged. */
  brandName: text(100).optional(),
  /** The portal's accent colour; null: Milepost's own. Left out: unchanged. */
  accentColor: accentColor.nullable().optional(),
});
const settingsView = z.object({
  name: z.string(),
  businessName: z.string(),
  paymentInstructions: z.string(),
  timeZone: z.string(),
  locale,
  brandName: z.string(),
  accentColor: z.string().nullable(),
  /** The portal's branding as the client sees it (logoUrl is this account's own route). */
  brand: brandView,
});
const LOGO_PATH = '/api/settings/logo';
const present = (user: UserRow, logo: LogoMeta | undefined): z.infer<typeof settingsView> => ({
  name: user.name,
  businessName: user.business_name,
  paymentInstructions: user.payment_instructions,
  timeZone: user.time_zone,
  locale: user.locale,
  brandName: user.brand_name,
  accentColor: user.brand_accent,
  brand: presentBrand(user, logo, LOGO_PATH),
});

/**
 * Sends a logo image with the type recognised at upload (never sniffed by the browser), inline,
 * cached for good when asked for by its versioned URL (`?v=` changes with the logo).
 */
export function sendLogo(
  reply: FastifyReply,
  logo: { type: string; bytes: Buffer; sha256: string },
  query: unknown,
): FastifyReply {
  const versioned =
    typeof query === 'object' && query !== null && 'v' in query && typeof query.v === 'string';
  return reply
    .header('content-type', logo.type)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', 'inline; filename="logo"')
    .header(
      'cache-control',
      versioned ? 'private, max-age=31536000, immutable' : 'private, no-cache',
    )
    .header('etag', `"${logo.sha256}"`)
    .send(logo.bytes);
}

export const settingsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, clock, config },
) => {
  const current = async (user: UserRow) => present(user, await findLogoMeta(db, user.id));

  app.get(
    '/settings',
    { schema: { tags: ['settings'], response: { 200: settingsView } } },
    async (request) => current(freelancerOf(request).user),
  );

  app.put(
    '/settings',
    { schema: { tags: ['settings'], body: settingsBody, response: { 200: settingsView } } },
    async (request) => {
      const user = await updateSettings({
        db,
        clock,
        rebuildBatch: config.limits.analyticsRebuildBatch,
        userId: freelancerOf(request).user.id,
        settings: request.body,
      });
      return current(user);
    },
  );

  await app.register(async (scope) => {
    // The logo arrives as the request's raw bytes; its type is decided from them, not from here.
    scope.addContentTypeParser(
      [...LOGO_TYPES, 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: 2 * MAX_LOGO_BYTES },
      (_request, body, done) => done(null, body),
    );

    scope.put(
      '/settings/logo',
      {
        bodyLimit: 2 * MAX_LOGO_BYTES,
        schema: {
          tags: ['settings'],
          description:
            'Sets the logo from the raw request body: PNG, JPEG or WebP (checked by its bytes), ' +
            'at most 512 KB.',
          response: { 200: settingsView },
        },
      },
      async (request) => {
        const { user } = freelancerOf(request);
        const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        await setLogo({ db, clock, ownerId: user.id, bytes });
        return current(user);
      },
    );
  });

  app.delete(
    '/settings/logo',
    { schema: { tags: ['settings'], response: noContent } },
    async (request, reply) => {
      await removeLogo({ db, ownerId: freelancerOf(request).user.id });
      return reply.status(204).send();
    },
  );

  app.get(
    '/settings/logo',
    { schema: { tags: ['settings'], description: 'The logo (PNG, JPEG or WebP).' } },
    async (request, reply) =>
      sendLogo(
        reply,
        await readLogo({ db, ownerId: freelancerOf(request).user.id }),
        request.query,
      ),
  );
};
