/**
 * Settings → Contract terms: GET and PUT /api/settings/contract-terms, and a preview of the
 * contract a sample project would get (POST /api/settings/contract-terms/preview). A template
 * naming a placeholder the contract does not fill is refused with a 400 that names it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  previewContractTerms,
  readContractTerms,
  updateContractTerms,
} from '../../actions/contract-terms';
import {
  MAX_MEDIATOR_LENGTH,
  MAX_TEMPLATE_LENGTH,
  templateProblem,
} from '../../domain/contract-terms';
import { freelancerOf } from '../authentication';
import { multilineText, reviewWindowDays, text } from '../schemas';
import type { RouteDeps } from './deps';

/** A terms template: prose, empty for the default, only placeholders the contract fills. */
const template = multilineText(MAX_TEMPLATE_LENGTH).superRefine((value, ctx) => {
  const problem = templateProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});
const termsLocale = z.enum(['en', 'de'], { message: 'must be en or de' });

const termsBody = z.strictObject({
  /** Per client language; empty: Milepost's default template in that language. */
  templates: z.strictObject({ en: template, de: template }),
  /** The outside mediator every contract names; empty: none named. */
  mediator: text(MAX_MEDIATOR_LENGTH),
  /** The review window new projects start with (1–90 days). */
  reviewWindowDays,
});
const termsView = z.object({
  templates: z.object({ en: z.string(), de: z.string() }),
  defaults: z.object({ en: z.string(), de: z.string() }),
  mediator: z.string(),
  reviewWindowDays: z.number(),
  placeholders: z.array(z.string()),
});

export const contractTermsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, clock }) => {
  app.get(
    '/settings/contract-terms',
    { schema: { tags: ['settings'], response: { 200: termsView } } },
    async (request) => readContractTerms(db, freelancerOf(request).user.id),
  );

  app.put(
    '/settings/contract-terms',
    { schema: { tags: ['settings'], body: termsBody, response: { 200: termsView } } },
    async (request) =>
      updateContractTerms({
        db,
        clock,
        userId: freelancerOf(request).user.id,
        terms: request.body,
      }),
  );

  app.post(
    '/settings/contract-terms/preview',
    {
      schema: {
        tags: ['settings'],
        description: 'The contract a sample project would get with these terms.',
        body: z.strictObject({
          locale: termsLocale,
          template,
          mediator: text(MAX_MEDIATOR_LENGTH),
          reviewWindowDays,
        }),
        response: { 200: z.object({ text: z.string() }) },
      },
    },
    async (request) =>
      previewContractTerms({ db, clock, userId: freelancerOf(request).user.id, ...request.body }),
  );
};
