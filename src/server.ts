/** Starts Milepost: reads the configuration, builds the app, listens, and stops cleanly. */
import { ConfigError, loadConfig } from './config';
import { buildApp } from './http/app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp({ config });
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
