/**
 * A stand-in render worker for the renderer's lifecycle test: answers with its thread's id, or
 * dies (ends its thread) when asked to render for the address 'crash', as a crashed worker would.
 */
import process from 'node:process';
import { threadId } from 'node:worker_threads';

export default async function render(request) {
  if (request.publicUrl === 'crash') process.exit(1);
  return { html: '<p></p>', text: '\n', threadId };
}
