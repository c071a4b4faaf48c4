/**
 * The headers every response carries, and the Content-Security-Policy of the web app's pages.
 * They are set on the raw response when a request arrives, so responses that bypass Fastify's
 * reply (tus uploads, streamed downloads) carry them too; a route may still set its own CSP
 * (downloads are sandboxed).
 */
import type { FastifyInstance } from 'fastify';

/** Sent with every response: no MIME sniffing, no referrer leaks, never framed. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/**
 * The web app's pages: scripts and styles only from Milepost's own origin, no inline script or
 * style element (React sets `style` through the DOM, which CSP allows), no plugins, never framed,
 * no `<base>` rewriting, forms post only to Milepost.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Everything else (JSON, scripts, styles): nothing may load or run if opened as a page. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** A year; sent only when PUBLIC_URL is https, so a plain-http install never locks itself out. */
export const HSTS = 'max-age=31536000';

/** The headers every response carries, HSTS included when Milepost is reached over https. */
export function responseHeaders(options: { https: boolean }): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    'content-security-policy': API_CSP,
    ...(options.https && { 'strict-transport-security': HSTS }),
  };
}

export function registerSecurityHeaders(
  app: FastifyInstance,
  always: Record<string, string>,
): void {
  app.addHook('onRequest', async (_request, reply) => {
    for (const [name, value] of Object.entries(always)) reply.raw.setHeader(name, value);
  });
  app.addHook('onSend', async (_request, reply) => {
    // A route's own policy (the sandbox of downloads) stands; otherwise pages get the app's.
    const policy = reply.getHeader('content-security-policy');
    if (policy === undefined || policy === API_CSP) {
      const type = reply.getHeader('content-type');
      const page = typeof type === 'string' && type.startsWith('text/html');
      reply.header('content-security-policy', page ? APP_CSP : API_CSP);
    }
  });
}
