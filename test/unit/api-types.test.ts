// The web app's API types are generated from the server's OpenAPI document and committed:
// this fails when a zod schema in src/http changed without `npm run api:types`.
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../src/cli/api-types';

test('src/web/api-types.ts is what `npm run api:types` generates now', async () => {
  const committed = await readFile(API_TYPES_FILE, 'utf8');
  const fresh = await renderApiTypes();
  // On failure: run `npm run api:types` and commit src/web/api-types.ts.
  expect(committed === fresh, 'src/web/api-types.ts is stale: run `npm run api:types`').toBe(true);
}, 120_000);
