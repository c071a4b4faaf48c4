/**
 * Builds the Milepost HTTP application: the JSON API under /api and the web app at /.
 * Tests call this; only server.ts listens.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Writable } from 'node:stream';
import type { Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { freelancerAuthenticator } from './authentication';
import { registerErrorHandling } from './errors';
import { accessRoutes } from './routes/access';
import { publicAuthRoutes, sessionAuthRoutes } from './routes/auth';
import { clientRoutes } from './routes/clients';
import { milestoneRoutes } from './routes/milestones';
import { portalRoutes } from './routes/portal';
import { projectRoutes } from './routes/projects';
import { settingsRoutes } from './routes/settings';
import { registerWebApp } from './web';
import { z } from 'zod';

export interface BuildAppOptions {
  config: Config;
  /** Where log lines go (stdout when absent); tests read it to prove secrets stay out. */
  logStream?: Writable;
}

export async function buildApp({ config, logStream }: BuildAppOptions): Promise<FastifyInstance> {
  const database = await openDatabase(config);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(logStream && { stream: logStream }),
      redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.addHook('onClose', () => database.close());

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.decorateRequest('freelancer', null);
  app.decorateRequest('client', null);

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Milepost API', version: '0.1.0', description: 'Milestone payments for freelancers.' },
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });

  await app.register(async (api) => registerApi(api, database, config), { prefix: '/api' });
  await registerWebApp(app);
  return app;
}

async function registerApi(api: FastifyInstance, database: Database, config: Config): Promise<void> {
  const deps = { db: database.db, config };
  api.get(
    '/health',
    { schema: { tags: ['meta'], response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }) } } },
    async () => ({ status: 'ok' as const, database: database.dialect }),
  );
  api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());

  await api.register(async (scope) => {
    scope.addHook('onRequest', freelancerAuthenticator(database.db, { required: false }));
    await scope.register(publicAuthRoutes, deps);
  });
  await api.register(portalRoutes, deps);
  await api.register(async (scope) => {
    scope.addHook('onRequest', freelancerAuthenticator(database.db, { required: true }));
    for (const routes of [sessionAuthRoutes, settingsRoutes, clientRoutes, projectRoutes, milestoneRoutes, accessRoutes]) {
      await scope.register(routes, deps);
    }
  });
}
