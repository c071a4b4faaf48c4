/**
 * Preloaded (`node --import`) before the server bundle by the crash suite: loads every package the
 * bundle imports, then waits for a line on stdin before the bundle itself runs. The suite keeps one
 * such process ready while the server it will kill is running, so a restart after a kill costs what
 * a restart should be judged by (opening the data left behind, and listening), not loading hundreds
 * of modules on a machine others are loading too. It opens no file of the data and no port.
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';

const bundle = process.argv[1] ?? '';
const packages = new Set(
  [...readFileSync(bundle, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom "([^"]+)";$/gms)]
    .map((match) => match[1] ?? '')
    .filter((specifier) => specifier !== '' && !specifier.startsWith('.')),
);
// This file and the bundle sit in the same repository, so a package resolves to the same file
// (and module-cache entry) from here as from the bundle.
for (const specifier of packages) await import(specifier);

process.stdout.write(`standby: ${packages.size} packages loaded\n`);
await new Promise((go) => process.stdin.once('data', go));
process.stdin.destroy();
