/** Command-line options of bench/files.ts. */
import { spawnSync } from 'node:child_process';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3; // Milepost's ceiling (MAX_FILE_BYTES ≤ 5 GiB)

/** A bad command line: reported without a stack trace. */
export class UsageError extends Error {}

export interface Options {
  size: number;
  sizeLabel: string;
  runs: number;
  client: 'node' | 'curl';
  keep: boolean;
  /** Benchmark this git ref (exported to the temp folder) instead of the working tree. */
  ref: string | undefined;
  /** Run the servers as esbuild bundles with plain node (as npm start does), not under tsx. */
  bundle: boolean;
  /** Write V8 CPU profiles of the Milepost server into this folder (node --cpu-prof). */
  profileDir: string | undefined;
}

const UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase() || 'b'];
  if (!match?.[1] || unit === undefined) {
    throw new UsageError(`--size: cannot read "${text}" (examples: 512MiB, 2GiB, 5GiB, 1000000)`);
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < 1) throw new UsageError('--size must be at least 1 byte');
  return bytes;
}

export const USAGE = `usage: npm run bench:files -- [--size 2GiB] [--runs 5] [--client node|curl] [--keep] [--ref <git-ref>] [--tsx] [--profile DIR]
  --size    file size (B, KiB, MiB, GiB, KB, MB, GB); at most 5GiB, Milepost's upload limit
  --runs    rounds of the four transfers; figures are medians (default 5)
  --client  curl (default when curl is on PATH): the transfer timed by curl itself;
            node: a node:http client in its own process (tops out near 600 MiB/s on
            downloads here, so it understates download differences)
  --keep    keep the temp folder (source file, Milepost data) for inspection
  --ref     run Milepost from this commit (git archive into the temp folder, sharing
            node_modules) instead of the working tree, e.g. --ref HEAD
  --tsx     run Milepost and the baselines under tsx instead of as esbuild bundles run by
            plain node (the default, as \`npm start\` runs the server); tsx costs ~55 MB
  --profile write V8 CPU profiles (.cpuprofile) of the Milepost server into this folder`;

function curlAvailable(): boolean {
  return spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A whole number in min..max from a command-line value, or a UsageError naming the flag. */
export function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number in ${min}..${max}`);
  return n;
}

/**
 * A bench's command line through util.parseArgs (strict): `--help`/`-h` prints `usage` and exits;
 * anything it cannot read is a UsageError that ends with `usage`.
 */
export function readArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  usage: string,
) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, strict: true, options }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

export function parseOptions(argv: string[]): Options {
  const values = readArgs(
    argv,
    {
      size: { type: 'string', default: '2GiB' },
      runs: { type: 'string', default: '5' },
      client: { type: 'string' },
      keep: { type: 'boolean', default: false },
      ref: { type: 'string' },
      tsx: { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
    USAGE,
  );
  const client = values.client ?? (curlAvailable() ? 'curl' : 'node');
  if (client !== 'node' && client !== 'curl') throw new UsageError('--client must be node or curl');
  const options: Options = {
    size: parseSize(values.size),
    sizeLabel: values.size.replace(/\s+/g, ''),
    runs: wholeNumber('--runs', values.runs, 1, 20),
    client,
    keep: values.keep,
    ref: values.ref,
    bundle: !values.tsx,
    profileDir: values.profile,
  };
  if (options.size > MAX_UPLOAD_BYTES) {
    throw new UsageError(
      `--size ${options.sizeLabel} (${options.size} bytes) is above Milepost's upload limit of 5 GiB ` +
        `(${MAX_UPLOAD_BYTES} bytes); refusing`,
    );
  }
  return options;
}
