/**
 * `npm run seed:demo -- --projects N`: fills the configured database (./data by default, or
 * DATABASE_URL) with a demo freelancer and N projects of realistic history, and prints the login.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createPasswordHasher } from '../auth/passwords';
import { openDatabase } from '../db/database';
import { isTimeZone } from '../domain/calendar';
import { AppError } from '../domain/errors';
import { announcerOnly } from '../events/stream-bus';
import { seedDemo } from './demo-data';

const usage = `Usage: npm run seed:demo -- [--projects N] [--seed S] [--email E] [--password P] [--time-zone Z]
  --projects   how many projects (1 to 100000; default 40)
  --seed       the random seed: the same seed gives the same data set (default 1)
  --email      the demo freelancer's login (default demo@example.com; must be new)
  --password   their password (default milepost-demo, at least 10 characters)
  --time-zone  their IANA time zone (default Europe/Berlin)
  --today      the day the history runs up to (YYYY-MM-DD, UTC; default today): with the same
               seed and day, the same data set`;

function fail(message: string): never {
  process.stderr.write(`seed:demo: ${message}\n${usage}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        projects: { type: 'string', default: '40' },
        seed: { type: 'string', default: '1' },
        email: { type: 'string', default: 'demo@example.com' },
        password: { type: 'string', default: 'milepost-demo' },
        'time-zone': { type: 'string', default: 'Europe/Berlin' },
        today: { type: 'string', default: new Date().toISOString().slice(0, 10) },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const projects = Number(values.projects);
if (!Number.isInteger(projects) || projects < 1 || projects > 100_000) {
  fail(`--projects must be a whole number from 1 to 100000, not "${values.projects}"`);
}
const seed = Number(values.seed);
if (!Number.isSafeInteger(seed)) fail(`--seed must be a whole number, not "${values.seed}"`);
if (values.password.length < 10) fail('--password needs at least 10 characters');
if (!/^[^\s@]+@[^\s@]+$/.test(values.email)) fail(`--email "${values.email}" is not an address`);
if (!isTimeZone(values['time-zone'])) fail(`--time-zone "${values['time-zone']}" is unknown`);
// Midnight UTC of that day: runs on one day agree, whatever their hour.
const present = Date.parse(`${values.today}T00:00:00Z`);
if (!/^\d{4}-\d{2}-\d{2}$/.test(values.today) || Number.isNaN(present) || present > Date.now()) {
  fail(`--today must be a date (YYYY-MM-DD) no later than today, not "${values.today}"`);
}

const config = loadConfig();
// Thousands of small transactions: a power cut during a demo load loses only demo data, so this
// run does not wait for the disk at every commit (the server does).
const database = await openDatabase(config, { durable: false });
const started = performance.now();
try {
  const summary = await seedDemo({
    db: database.db,
    config,
    passwords: createPasswordHasher({ concurrency: 1 }),
    events: announcerOnly(config),
    projects,
    seed,
    email: values.email,
    password: values.password,
    name: 'Demo Freelancer',
    timeZone: values['time-zone'],
    now: new Date(present),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `seed:demo: ${summary.projects} projects, ${summary.clients} clients, ${summary.milestones} milestones, ` +
      `${summary.deliveries} deliveries, ${summary.payments} payments, ${summary.refunds} refunds, ` +
      `${summary.messages} messages, ${summary.costs} costs, ${summary.hours} with hours, ` +
      `${summary.archived} archived in ${seconds} s ` +
      `(${config.database.dialect})\n` +
      `Log in as ${values.email} with the password ${values.password}\n`,
  );
} catch (error) {
  if (error instanceof AppError) {
    process.stderr.write(`seed:demo: ${error.message}\n`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await database.close();
}
