// The browser journeys: one real server, one real Chromium, no retries (a flake is a bug to fix).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    retry: 0,
    fileParallelism: false,
    reporters: ['default'],
  },
});
