/**
 * Run after `vite build` (part of `npm run build:web`): prints the gzipped JavaScript the client
 * portal loads up front — the entry, its static imports, and the portal route's chunk with its
 * static imports — and fails above the budget of 150 KB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const BUDGET_BYTES = 150 * 1024;
const webDir = fileURLToPath(new URL('../../dist/web', import.meta.url));
const assets = path.join(webDir, 'assets');

const html = fs.readFileSync(path.join(webDir, 'index.html'), 'utf8');
const entry = /<script type="module"[^>]*src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
if (entry === undefined) throw new Error('web-size: no module script in dist/web/index.html');
const portal = fs.readdirSync(assets).find((f) => /^PortalPage-[\w-]+\.js$/.test(f));
if (portal === undefined) throw new Error('web-size: no PortalPage chunk in dist/web/assets');

const loaded = new Set<string>();
function walk(file: string): void {
  if (loaded.has(file)) return;
  loaded.add(file);
  const source = fs.readFileSync(path.join(assets, file), 'utf8');
  // Static imports only (`import … from "./x.js"`, `import "./x.js"`); import("./x.js") waits.
  for (const match of source.matchAll(/(?:import|from)\s*["']\.\/([^"']+\.js)["']/g)) {
    if (match[1] !== undefined) walk(match[1]);
  }
}
walk(entry);
walk(portal);

let total = 0;
for (const file of loaded) total += zlib.gzipSync(fs.readFileSync(path.join(assets, file))).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
console.log(
  `portal initial JS: ${kb(total)} gzipped in ${loaded.size} files (budget ${kb(BUDGET_BYTES)})`,
);
if (total > BUDGET_BYTES) {
  console.error('web-size: the portal loads more JavaScript up front than its budget');
  process.exit(1);
}
