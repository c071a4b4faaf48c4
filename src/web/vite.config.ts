// Builds the React app into dist/web, which the server serves at `/` with an SPA fallback.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/web', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: { outDir, emptyOutDir: true },
  server: {
    // `npx vite --config src/web/vite.config.ts` against a backend on :3000.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
