import { defineConfig } from 'vitest/config';

// Unit and database tests. The browser journeys have their own config (test/e2e).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    retry: 0,
  },
});
