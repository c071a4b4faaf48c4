// Builds the React app into dist/web, which the server serves at `/` with an SPA fallback.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from '@formatjs/icu-messageformat-parser';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * The web app's messages (src/web/i18n/messages/*.json) are compiled to FormatJS's message AST at
 * build time, so the browser never parses ICU syntax and the parser stays out of the bundle (it is
 * aliased to its `no-parser` build below) — FormatJS's documented set-up for production.
 */
function precompiledMessages(): Plugin {
  const messageFile = /[\\/]src[\\/]web[\\/]i18n[\\/]messages[\\/][^\\/]+\.json$/;
  return {
    name: 'milepost-precompiled-messages',
    enforce: 'pre',
    load(id) {
      const file = id.split('?')[0] ?? id;
      if (!messageFile.test(file)) return null;
      const messages = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
      const compiled = Object.fromEntries(
        Object.entries(messages).map(([key, text]) => [key, parse(text)]),
      );
      return JSON.stringify(compiled);
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [precompiledMessages(), react()],
  resolve: {
    alias: [
      {
        find: /^@formatjs\/icu-messageformat-parser$/,
        replacement: '@formatjs/icu-messageformat-parser/no-parser.js',
      },
      // Radix's scroll lock without the <style> element CSP refuses (see the file).
      {
        find: /^react-remove-scroll$/,
        replacement: fileURLToPath(new URL('./ui/remove-scroll.tsx', import.meta.url)),
      },
    ],
  },
  build: { outDir, emptyOutDir: true },
  server: {
    // `npx vite --config src/web/vite.config.ts` against a backend on :3000.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
