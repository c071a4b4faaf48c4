/** Starts Milepost: reads the configuration, builds the app, listens, and stops cleanly. */
import v8 from 'node:v8';
import { ConfigError, loadConfig } from './config';
import { buildApp } from './http/app';

// Every network chunk of an upload is a young ArrayBuffer. V8 frees those in a background sweep
// that falls behind a stream of several hundred MB/s; the backlog reads as external-memory
// pressure and set off a full mark-compact every ~100 ms (bench:files: ~80 per 2 GiB upload,
// about 3x the server's CPU). Sweeping them in the scavenge itself keeps it to a handful.
v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');

async function main(): Promise<void> {
  // Everything Milepost creates under DATA_DIR — the database and its WAL, deliverables, the mail
  // outbox, the key file — is the owner's alone: files 0600, folders 0700. Explicit modes where
  // files are created say the same; the umask also covers what libraries create.
  process.umask(0o077);
  const config = loadConfig();
  const app = await buildApp({ config, startRenderWorker: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info(`${signal} received, closing`);
      void app.close().then(() => process.exit(0));
    });
  }
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Milepost is running at ${config.publicUrl} (database: ${config.database.dialect})`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Milepost failed to start:', error);
  }
  process.exit(1);
});
