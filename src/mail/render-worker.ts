/**
 * The mail render worker (a piscina task file): renders one mail per task, in a thread of its
 * own (renderer.ts starts it). Bundled as `mail-render-worker.js` beside the server's bundle.
 */
import { threadId } from 'node:worker_threads';
import { renderMail } from './render';
import type { RenderedOnThread, RenderRequest } from './renderer';

export default async function renderOnThread(request: RenderRequest): Promise<RenderedOnThread> {
  return { ...(await renderMail(request)), threadId };
}
