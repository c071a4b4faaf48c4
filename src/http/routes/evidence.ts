/**
 * The evidence bundle for both parties (the freelancer's project, the client's own project; 404
 * for anyone else), streamed as it is written, and the instance's public key that verifies it.
 */
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportEvidence, type EvidenceCaller } from '../../actions/export-evidence';
import { lazyInstanceSigner } from '../../actions/instance-key';
import {
  clientAuthenticator,
  clientOf,
  freelancerAuthenticator,
  freelancerOf,
} from '../authentication';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

const instanceKeyView = z.object({
  algorithm: z.literal('Ed25519'),
  /** The raw 32-byte public key, base64: what a bundle's manifest names and verify-bundle --key takes. */
  publicKey: z.string(),
  /** The same key as an SPKI PEM (openssl pkeyutl -verify -pubin -inkey). */
  pem: z.string(),
  /** SHA-256 of the raw key, first 16 hex digits. */
  fingerprint: z.string(),
});

const BUNDLE_DESCRIPTION =
  'The evidence bundle: one ZIP, streamed, with a manifest (every entry’s path, size and ' +
  'SHA-256, the activity chain’s head) signed with the instance’s Ed25519 key (manifest.sig, ' +
  'instance-key.pem). Check it with `npm run verify-bundle -- file.zip`.';

export const evidenceRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db, clock, config } = deps;
  const signer = lazyInstanceSigner({ db, secretBox: deps.secretBox, clock });

  const send = async (
    request: FastifyRequest,
    reply: FastifyReply,
    caller: EvidenceCaller,
    projectId: string,
  ) => {
    const { filename, zip } = await exportEvidence({
      db,
      caller,
      projectId,
      signer,
      publicUrl: config.publicUrl,
      renderer: deps.renderer,
      now: clock.now(),
      onError: (error) => request.log.error({ err: error }, 'could not write an evidence bundle'),
    });
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) zip.abort();
    });
    reply.headers({
      'cache-control': 'private, no-store',
      'content-type': 'application/zip',
      'content-disposition': contentDisposition(filename, { type: 'attachment' }),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    return reply.send(zip.stream);
  };

  app.get(
    '/instance-key',
    {
      schema: {
        tags: ['evidence'],
        description: 'The public key this instance signs evidence bundles with.',
        response: { 200: instanceKeyView },
      },
    },
    async () => {
      const key = await signer();
      return {
        algorithm: key.algorithm,
        publicKey: key.publicKey,
        pem: key.publicKeyPem,
        fingerprint: key.fingerprint,
      };
    },
  );

  await app.register(async (scope) => {
    scope.addHook('onRequest', freelancerAuthenticator(db, { required: true, clock }));
    scope
      .withTypeProvider<ZodTypeProvider>()
      .get(
        '/projects/:projectId/evidence.zip',
        { schema: { tags: ['evidence'], description: BUNDLE_DESCRIPTION, params: projectParams } },
        async (request, reply) => {
          const { user } = freelancerOf(request);
          return send(
            request,
            reply,
            { kind: 'freelancer', ownerId: user.id, locale: user.locale },
            request.params.projectId,
          );
        },
      );
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', clientAuthenticator(db, clock));
    scope
      .withTypeProvider<ZodTypeProvider>()
      .get(
        '/portal/evidence.zip',
        { schema: { tags: ['portal'], description: BUNDLE_DESCRIPTION } },
        async (request, reply) => {
          const { projectId } = clientOf(request);
          return send(request, reply, { kind: 'client', projectId }, projectId);
        },
      );
  });
};
