/**
 * Builds the Milepost HTTP application: the JSON API under /api and the web app at /.
 * Tests call this; only server.ts listens.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Writable } from 'node:stream';
import type { Server as TusServer } from '@tus/server';
import type { Config } from '../config';
import { createPasswordHasher } from '../auth/passwords';
import { createSecretBox, loadInstanceKey } from '../auth/secret-box';
import { openDatabase, type Database } from '../db/database';
import { systemClock, type Clock } from '../domain/clock';
import { startFileSweep, type FileSweep } from '../files/expiry-sweep';
import type { HashingStore } from '../files/hashing-store';
import { createStorage } from '../files/storage';
import { checkStoredFiles, type StoredFilesReport } from '../files/stored-files-check';
import { createStreamBus } from '../events/stream-bus';
import { createRenderer } from '../mail/renderer';
import { SenderLimits } from './chat-limits';
import { freelancerChatRoutes } from './routes/chat';
import { MAX_FRAME_BYTES, streamSocketRoutes } from './routes/stream-socket';
import { contractRoutes } from './routes/contracts';
import { changeOrderRoutes } from './routes/change-orders';
import { evidenceRoutes } from './routes/evidence';
import { disputeRoutes } from './routes/disputes';
import { StreamHub } from './stream-hub';
import { startMailWorker, type MailWorker } from '../actions/mail-worker';
import { startScheduler, type Scheduler } from '../actions/scheduler';
import { createUnsubscribeTokens } from '../auth/unsubscribe-tokens';
import { freelancerAuthenticator } from './authentication';
import { errorBody, registerErrorHandling } from './errors';
import { accessRoutes } from './routes/access';
import { analyticsRoutes } from './routes/analytics';
import { attentionRoutes } from './routes/attention';
import { publicAuthRoutes, sessionAuthRoutes } from './routes/auth';
import { clientRoutes } from './routes/clients';
import type { RouteDeps } from './routes/deps';
import { downloadRoutes, projectFileRoutes } from './routes/files';
import { invoiceRoutes } from './routes/invoices';
import { mailRoutes } from './routes/mail';
import { milestoneRoutes } from './routes/milestones';
import {
  freelancerNotificationRoutes,
  portalNotificationRoutes,
  unsubscribeRoutes,
} from './routes/notifications';
import { portalRoutes } from './routes/portal';
import { projectRoutes } from './routes/projects';
import { projectCostRoutes } from './routes/project-costs';
import { paymentSettingsRoutes } from './routes/payment-settings';
import { receiptRoutes } from './routes/receipts';
import { webhookRoutes } from './routes/webhooks';
import { settingsRoutes } from './routes/settings';
import { contractTermsRoutes } from './routes/contract-terms';
import { createTusServer, uploadDiscoveryRoutes, uploadRoutes } from './routes/uploads';
import { registerSecurityHeaders, responseHeaders } from './security-headers';
import { registerWebApp } from './web';
import { z } from 'zod';

declare module 'fastify' {
  interface FastifyInstance {
    /** The outbox's worker; tests drain it to see queued mail sent. */
    mailWorker: MailWorker;
    /** The hourly sweep (expired uploads, queued file deletions, retention); run() runs it now. */
    fileSweep: FileSweep;
    /** The open sockets of /api/ws on this instance. */
    streamHub: StreamHub;
    /** Notification mail and reminders due later; tests move the clock and drain it. */
    scheduler: Scheduler;
  }
}

export interface BuildAppOptions {
  config: Config;
  /** Where log lines go (stdout when absent); tests read it to prove secrets stay out. */
  logStream?: Writable;
  /** The time source (the system clock when absent); tests pass one they can move. */
  clock?: Clock;
  /**
   * Start the render worker thread (mail, PDFs) now, not at the first render: the server's
   * memory at rest then includes it, and nothing waits for it to start later. Off for tests,
   * most of which render nothing.
   */
  startRenderWorker?: boolean;
}

export async function buildApp({
  config,
  logStream,
  clock = systemClock,
  startRenderWorker = false,
}: BuildAppOptions): Promise<FastifyInstance> {
  const database = await openDatabase(config);
  const headers = responseHeaders({ https: config.publicUrl.startsWith('https://') });
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(logStream && { stream: logStream }),
      redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Uploads are chunked by tus and may be slow; no whole-request deadline (Node's is 300 s).
    requestTimeout: 0,
    // Instead, a connection on which nothing moves for this long is closed: a stalled body
    // frees its socket, while an upload that keeps sending, however slowly, is never cut.
    connectionTimeout: config.requestIdleTimeoutSeconds * 1000,
    routerOptions: { maxParamLength: 200 },
    // Fastify's own refusals (bad URL, over-long parameter) in our error shape, echoing nothing.
    frameworkErrors: (error, _request, reply) => {
      const status =
        error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
          ? error.statusCode
          : 400;
      // Refused before any hook runs: the security headers are set here.
      void (reply as unknown as FastifyReply)
        .headers(headers)
        .status(status)
        .send(errorBody('BAD_REQUEST', 'The request URL is malformed or too long'));
    },
  }).withTypeProvider<ZodTypeProvider>();
  const storage = await createStorage(config);
  const renderer = createRenderer({
    onError: (error) => app.log.error({ err: error }, 'render worker failed'),
  });
  if (startRenderWorker) renderer.start();
  // Sent on the renderer's thread: building MIME messages is CPU the event loop need not spend.
  const mailer = renderer.mailer(config.mail);
  const instanceKey = loadInstanceKey(config.secretKey);
  const unsubscribeTokens = createUnsubscribeTokens(instanceKey);
  const mailWorker = startMailWorker({
    db: database.db,
    mailer,
    renderer,
    config,
    log: app.log,
    clock,
    unsubscribeToken: (subscription) => unsubscribeTokens.sign(subscription),
  });
  app.decorate('mailWorker', mailWorker);
  const events = await createStreamBus(config, app.log);
  const chatLimits = new SenderLimits(config.chat.messagesPerSecond, config.chat.messageBurst, () =>
    clock.now().getTime(),
  );
  const hub = new StreamHub({
    db: database.db,
    clock,
    events,
    chatLimits,
    heartbeatSeconds: config.chat.heartbeatSeconds,
    sessionCheckSeconds: config.chat.sessionCheckSeconds,
    log: app.log,
  });
  app.decorate('streamHub', hub);
  const scheduler = startScheduler({
    db: database.db,
    events,
    pollSeconds: config.mail.pollSeconds,
    log: app.log,
    clock,
    onQueued: () => mailWorker.wake(),
  });
  app.decorate('scheduler', scheduler);
  const deps: RouteDeps = {
    db: database.db,
    config,
    storage,
    mailer,
    renderer,
    mailWorker,
    secretBox: createSecretBox(instanceKey),
    unsubscribeTokens,
    passwords: createPasswordHasher({ concurrency: config.limits.passwordHashConcurrency }),
    clock,
    events,
    chatLimits,
    sockets: hub,
  };
  const tus = createTusServer(deps);
  const sweep = startFileSweep({
    db: database.db,
    storage,
    expiryHours: config.uploadExpiryHours,
    retention: config.retention,
    log: app.log,
    clock,
  });
  app.decorate('fileSweep', sweep);
  // In the background, so a large store never delays start-up; /api/health shows the result.
  let storedFiles: StoredFilesReport = { checked: 0, missing: 0, unreadable: 0, checkedAt: null };
  const storedFilesCheck = checkStoredFiles({
    db: database.db,
    storage,
    log: app.log,
    now: () => clock.now(),
  }).then(
    (report) => {
      storedFiles = report;
    },
    (error: unknown) => app.log.error({ err: error }, 'stored files check failed'),
  );
  app.addHook('onClose', async () => {
    await storedFilesCheck;
    sweep.stop();
    await scheduler.stop();
    await mailWorker.stop();
    await renderer.close();
    hub.stop();
    await events.close();
    await storage.close();
    await database.close();
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.decorateRequest('freelancer', null);
  app.decorateRequest('client', null);

  await app.register(fastifyCookie);
  // Before any route, so it sees every upgrade request (and refuses those to other routes).
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false },
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Milepost API',
        version: '0.1.0',
        description: 'Milestone payments for freelancers.',
      },
    },
    transform: jsonSchemaTransform,
  });
  registerSecurityHeaders(app, headers);

  await app.register(async (api) => registerApi(api, database, deps, tus, () => storedFiles), {
    prefix: '/api',
  });
  await registerWebApp(app, config.webDir);
  return app;
}

async function registerApi(
  api: FastifyInstance,
  database: Database,
  deps: RouteDeps,
  uploads: { tus: TusServer; store: HashingStore },
  storedFiles: () => StoredFilesReport,
): Promise<void> {
  api.get(
    '/health',
    {
      schema: {
        tags: ['meta'],
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.enum(['sqlite', 'postgres']),
            // The start-up check of stored bytes (checkedAt null while it runs).
            files: z.object({
              checked: z.number().int(),
              missing: z.number().int(),
              unreadable: z.number().int(),
              checkedAt: z.string().nullable(),
            }),
          }),
        },
      },
    },
    async () => ({ status: 'ok' as const, database: database.dialect, files: storedFiles() }),
  );
  api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());

  await api.register(async (scope) => {
    scope.addHook(
      'onRequest',
      freelancerAuthenticator(database.db, { required: false, clock: deps.clock }),
    );
    await scope.register(publicAuthRoutes, deps);
  });
  await api.register(portalRoutes, deps);
  await api.register(portalNotificationRoutes, deps);
  await api.register(unsubscribeRoutes, deps);
  await api.register(uploadDiscoveryRoutes, { tus: uploads.tus });
  await api.register(async (scope) => {
    scope.addHook(
      'onRequest',
      freelancerAuthenticator(database.db, { required: true, clock: deps.clock }),
    );
    for (const routes of [
      sessionAuthRoutes,
      settingsRoutes,
      contractTermsRoutes,
      clientRoutes,
      projectRoutes,
      attentionRoutes,
      analyticsRoutes,
      projectCostRoutes,
      milestoneRoutes,
      accessRoutes,
      projectFileRoutes,
      receiptRoutes,
      invoiceRoutes,
      paymentSettingsRoutes,
      mailRoutes,
      freelancerChatRoutes,
      freelancerNotificationRoutes,
    ]) {
      await scope.register(routes, deps);
    }
    await scope.register(uploadRoutes, { ...deps, ...uploads });
  });
  await api.register(contractRoutes, deps);
  await api.register(changeOrderRoutes, deps);
  await api.register(evidenceRoutes, deps);
  await api.register(disputeRoutes, deps);
  await api.register(streamSocketRoutes, deps);
  await api.register(downloadRoutes, deps);
  await api.register(webhookRoutes, deps);
}
