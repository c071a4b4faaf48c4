/**
 * The mail render worker run from its TypeScript source (vitest, `tsx src/server.ts`): a worker
 * thread loads plain JavaScript, so this registers tsx in the thread — with the repository's
 * tsconfig.json whatever the working folder (it sets the JSX runtime) — before loading the
 * worker. A bundled server runs the bundled worker instead (renderer.ts, renderWorkerFile).
 */
import { fileURLToPath, URL } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
const worker = await import('./render-worker.ts');

export default worker.default;
export const send = worker.send;
export const pdf = worker.pdf;
