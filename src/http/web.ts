/**
 * Serves the built React app (dist/web) and answers any other non-API GET with its index.html,
 * so the app's own routes survive a reload. Paid files never pass through here.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors';

export async function registerWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  const built = fs.existsSync(path.join(webDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    if (pathname.startsWith('/api/') || pathname === '/api' || request.method !== 'GET') {
      return reply
        .status(404)
        .send(errorBody('NOT_FOUND', `No route for ${request.method} ${pathname}`));
    }
    if (!built) {
      return reply
        .status(503)
        .type('text/plain')
        .send('The web app is not built. Run `npm run build:web` (npm start does it for you).');
    }
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });
}
