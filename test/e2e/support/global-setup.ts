/** A fresh screenshot folder for each run, and its absolute path printed when the run ends. */
import fs from 'node:fs';
import { SCREENSHOT_DIR } from './paths';

export default function setup(): () => void {
  fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return () => {
    const count = fs.readdirSync(SCREENSHOT_DIR).filter((f) => f.endsWith('.png')).length;
    process.stdout.write(`\nE2E screenshots (${count}): ${SCREENSHOT_DIR}\n`);
  };
}
