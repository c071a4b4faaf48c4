import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The test files that speak to S3. They form the `s3` project, whose globalSetup starts one real
 * S3 server (Ceph radosgw, test/integration/support/ceph-s3) for the run — only when one of them
 * is selected. A new file that uses s3-helpers.ts or stores.ts belongs in this list.
 */
const S3_TESTS = [
  'test/integration/files-s3.test.ts',
  'test/integration/files-check.test.ts',
  'test/integration/files-expiry.test.ts',
];

// Unit and database tests. The browser journeys have their own config (test/e2e).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    retry: 0,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...S3_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 's3',
          include: S3_TESTS,
          globalSetup: ['test/integration/support/ceph-s3/global-setup.ts'],
        },
      },
    ],
  },
});
