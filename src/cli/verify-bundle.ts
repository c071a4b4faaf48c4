/**
 * npm run verify-bundle -- file.zip [--head HASH] [--key PUBKEY]
 *
 * Says "Bundle intact", or names every alteration found, and exits 1; a file that is no readable
 * ZIP, or a bad option, exits 2. Needs nothing but the file (and, to compare, the head hash from
 * a mail and the instance's key from GET /api/instance-key).
 */
import { parseArgs } from 'node:util';
import { BadVerifyOption, UnreadableBundle, verifyBundle } from '../evidence/verify-bundle';

const USAGE =
  'usage: npm run verify-bundle -- file.zip [--head HASH] [--key PUBKEY]\n' +
  '  --head HASH    the record hash from a mail (at least 16 hex digits): it must be in the chain\n' +
  '  --key PUBKEY   the instance key (GET /api/instance-key): the bundle must be signed with it\n';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        head: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [file, ...rest] = parsed.positionals;
  if (file === undefined || rest.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const report = await verifyBundle(file, {
      ...(parsed.values.head !== undefined && { head: parsed.values.head }),
      ...(parsed.values.key !== undefined && { key: parsed.values.key }),
    });
    for (const note of report.notes) process.stdout.write(`${note}\n`);
    if (report.intact) {
      process.stdout.write('Bundle intact\n');
      return 0;
    }
    for (const problem of report.problems) process.stdout.write(`ALTERED  ${problem}\n`);
    process.stdout.write(
      `Bundle altered: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found\n`,
    );
    return 1;
  } catch (error) {
    if (error instanceof UnreadableBundle) {
      process.stdout.write(`${file}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof BadVerifyOption) {
      process.stderr.write(`${error.message}\n${USAGE}`);
      return 2;
    }
    if ((error as { code?: string }).code === 'ENOENT') {
      process.stderr.write(`${file}: no such file\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
