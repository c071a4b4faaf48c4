/**
 * Runs the real app in a process of its own, configured from the environment like the real
 * server, so a test can read every byte it logs (stdout and stderr). Prints the chosen port as
 * `MILEPOST_TEST_PORT=<port>` on stderr and closes cleanly on SIGTERM.
 */
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/http/app';

const config = loadConfig(process.env);
const app = await buildApp({ config });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('the server has no port');
process.stderr.write(`MILEPOST_TEST_PORT=${address.port}\n`);
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
