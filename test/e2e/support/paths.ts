import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../../test-results/e2e-screenshots', import.meta.url),
);
