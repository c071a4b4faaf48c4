/**
 * Configuration, parsed once at boot from the environment into one frozen, typed object.
 * A bad variable stops start-up with a list of everything that is wrong. No other file reads
 * process.env.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { MailRetryPolicy } from './domain/mail-retry';
import { MAX_FILE_BYTES, MAX_FILES_PER_MILESTONE } from './domain/uploads';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    WEB_DIR: z.string().min(1).default('./dist/web'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for SQLite)')
      .optional(),
    PUBLIC_URL: z.string().url().optional(),
    TRUST_PROXY: flag(false),
    DATABASE_PREPARED_STATEMENTS: flag(true),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    SESSION_DAYS: positiveInt(30),
    CLIENT_SESSION_DAYS: positiveInt(90),
    LOGIN_FAILURES_PER_IP: positiveInt(10),
    ACCESS_FAILURES_PER_IP: positiveInt(10),
    ACCESS_FAILURES_GLOBAL: positiveInt(200),
    FAILURE_WINDOW_MINUTES: positiveInt(15),
    SIGNUP_PER_IP: positiveInt(10),
    PASSWORD_RESETS_PER_IP: positiveInt(10),
    PASSWORD_RESETS_PER_EMAIL: positiveInt(3),
    // One core stays free for the event loop (and everyone else's requests).
    PASSWORD_HASH_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .default(Math.min(4, Math.max(1, os.availableParallelism() - 1))),
    REQUEST_IDLE_TIMEOUT_SECONDS: positiveInt(120),
    MAX_MILESTONES: z.coerce.number().int().min(1).max(10).default(10),
    MAX_FILES_PER_MILESTONE: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_FILES_PER_MILESTONE)
      .default(MAX_FILES_PER_MILESTONE),
    MAX_FILE_BYTES: z.coerce.number().int().min(1).max(MAX_FILE_BYTES).default(MAX_FILE_BYTES),
    UPLOAD_EXPIRY_HOURS: z.coerce
      .number()
      .int()
      .min(24, 'must be at least 24 (a slow 5 GB upload)')
      .default(48),
    STORAGE: z.enum(['local', 's3']).default('local'),
    S3_BUCKET: z.string().min(1).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ENDPOINT: z.string().url().optional(),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: flag(false),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Milepost <milepost@localhost>'),
    MAIL_POLL_SECONDS: positiveInt(15),
    ANALYTICS_REBUILD_BATCH: positiveInt(500),
    MAIL_RETRY_FIRST_SECONDS: positiveInt(60),
    MAIL_RETRY_MAX_SECONDS: positiveInt(3600),
    MAIL_FAILING_AFTER_ATTEMPTS: positiveInt(3),
    MAIL_GIVE_UP_HOURS: positiveInt(72),
    // Retention, applied by the hourly sweep. 0 keeps the download log forever.
    MAIL_KEEP_SENT_DAYS: positiveInt(90),
    DOWNLOAD_LOG_KEEP_DAYS: z.coerce.number().int().min(0).default(0),
    SECRET_KEY: z
      .string()
      .refine(
        (v) => Buffer.from(v, 'base64').length === 32,
        'must be 32 random bytes in base64 (openssl rand -base64 32)',
      )
      .optional(),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_test_… or sk_live_…)')
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_/, 'must be a Stripe webhook signing secret (whsec_…)')
      .optional(),
    STRIPE_API_URL: z.string().url().optional(),
    CHAT_MESSAGES_PER_SECOND: positiveNumber(1),
    CHAT_MESSAGE_BURST: positiveInt(10),
    WS_HEARTBEAT_SECONDS: positiveNumber(30),
    WS_SESSION_CHECK_SECONDS: positiveNumber(5),
  })
  .superRefine((e, ctx) => {
    if (e.STORAGE === 's3' && !e.S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when STORAGE=s3' });
    }
  });

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  /** The built web app (npm run build:web). */
  webDir: string;
  database:
    | { dialect: 'sqlite'; file: string }
    | {
        dialect: 'postgres';
        url: string;
        /** The chat's hot statements run as named statements (src/db/prepared.ts). */
        preparedStatements: boolean;
      };
  publicUrl: string;
  secureCookies: boolean;
  trustProxy: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  sessionDays: number;
  clientSessionDays: number;
  limits: Readonly<{
    loginFailuresPerIp: number;
    accessFailuresPerIp: number;
    accessFailuresGlobal: number;
    failureWindowMinutes: number;
    /** Sign-ups allowed per address within the failure window. */
    signupsPerIp: number;
    /** "Forgot password" requests per address within the failure window (then 429). */
    passwordResetsPerIp: number;
    /** Reset mails per email address within the window; further requests send nothing. */
    passwordResetsPerEmail: number;
    /** argon2 hashes running at once; the rest wait their turn. */
    passwordHashConcurrency: number;
    maxMilestones: number;
    maxFilesPerMilestone: number;
    maxFileBytes: number;
    /** Projects summed anew per step (transaction) of an analytics rebuild after a time zone change. */
    analyticsRebuildBatch: number;
  }>;
  uploadExpiryHours: number;
  /**
   * How long records are kept, by the hourly sweep: sent mail's rows (their bodies are gone at
   * sending) for sentMailDays after sending; download log rows for downloadLogDays after their
   * last request, or forever when null.
   */
  retention: Readonly<{ sentMailDays: number; downloadLogDays: number | null }>;
  /** A connection that sends and receives nothing for this long is closed. */
  requestIdleTimeoutSeconds: number;
  storage:
    | { kind: 'local'; directory: string }
    | {
        kind: 's3';
        bucket: string;
        region: string;
        endpoint: string | undefined;
        forcePathStyle: boolean;
        credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      };
  /**
   * Without SMTP, mail is written as .eml files to the outbox folder. Either way it first goes
   * through the mail_outbox table, polled every pollSeconds and retried by the policy.
   */
  mail: {
    from: string;
    smtpUrl: string | undefined;
    outboxDir: string;
    pollSeconds: number;
    retry: Readonly<MailRetryPolicy>;
  };
  /** Encrypts stored secrets (freelancers' Stripe keys); from SECRET_KEY, else a key file. */
  secretKey: { base64: string } | { file: string };
  /** The operator's Stripe account, used by freelancers who have not entered their own. */
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    apiUrl: string | undefined;
  };
  /** The conversation and its WebSocket. */
  chat: Readonly<{
    /** Messages one sender may send, sustained, and in a burst (REST and WebSocket together). */
    messagesPerSecond: number;
    messageBurst: number;
    /** Every socket is pinged this often; one that has not answered the last ping is closed. */
    heartbeatSeconds: number;
    /** How often open sockets' sessions and projects are checked (logout, revoked, archived). */
    sessionCheckSeconds: number;
  }>;
}>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    webDir: path.resolve(e.WEB_DIR),
    database: e.DATABASE_URL
      ? {
          dialect: 'postgres' as const,
          url: e.DATABASE_URL,
          preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
        }
      : { dialect: 'sqlite' as const, file: path.join(dataDir, 'milepost.sqlite') },
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    sessionDays: e.SESSION_DAYS,
    clientSessionDays: e.CLIENT_SESSION_DAYS,
    limits: Object.freeze({
      loginFailuresPerIp: e.LOGIN_FAILURES_PER_IP,
      accessFailuresPerIp: e.ACCESS_FAILURES_PER_IP,
      accessFailuresGlobal: e.ACCESS_FAILURES_GLOBAL,
      failureWindowMinutes: e.FAILURE_WINDOW_MINUTES,
      signupsPerIp: e.SIGNUP_PER_IP,
      passwordResetsPerIp: e.PASSWORD_RESETS_PER_IP,
      passwordResetsPerEmail: e.PASSWORD_RESETS_PER_EMAIL,
      passwordHashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
      maxMilestones: e.MAX_MILESTONES,
      maxFilesPerMilestone: e.MAX_FILES_PER_MILESTONE,
      maxFileBytes: e.MAX_FILE_BYTES,
      analyticsRebuildBatch: e.ANALYTICS_REBUILD_BATCH,
    }),
    uploadExpiryHours: e.UPLOAD_EXPIRY_HOURS,
    retention: Object.freeze({
      sentMailDays: e.MAIL_KEEP_SENT_DAYS,
      downloadLogDays: e.DOWNLOAD_LOG_KEEP_DAYS === 0 ? null : e.DOWNLOAD_LOG_KEEP_DAYS,
    }),
    requestIdleTimeoutSeconds: e.REQUEST_IDLE_TIMEOUT_SECONDS,
    storage:
      e.STORAGE === 's3'
        ? {
            kind: 's3' as const,
            bucket: e.S3_BUCKET ?? '',
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            credentials:
              e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
                ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
                : undefined,
          }
        : { kind: 'local' as const, directory: path.join(dataDir, 'files') },
    mail: Object.freeze({
      from: e.MAIL_FROM,
      smtpUrl: e.SMTP_URL,
      outboxDir: path.join(dataDir, 'outbox'),
      pollSeconds: e.MAIL_POLL_SECONDS,
      retry: Object.freeze({
        firstSeconds: e.MAIL_RETRY_FIRST_SECONDS,
        maxSeconds: Math.max(e.MAIL_RETRY_MAX_SECONDS, e.MAIL_RETRY_FIRST_SECONDS),
        failingAfterAttempts: e.MAIL_FAILING_AFTER_ATTEMPTS,
        giveUpHours: e.MAIL_GIVE_UP_HOURS,
      }),
    }),
    secretKey: e.SECRET_KEY ? { base64: e.SECRET_KEY } : { file: path.join(dataDir, 'secret.key') },
    stripe: Object.freeze({
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiUrl: e.STRIPE_API_URL,
    }),
    chat: Object.freeze({
      messagesPerSecond: e.CHAT_MESSAGES_PER_SECOND,
      messageBurst: e.CHAT_MESSAGE_BURST,
      heartbeatSeconds: e.WS_HEARTBEAT_SECONDS,
      sessionCheckSeconds: e.WS_SESSION_CHECK_SECONDS,
    }),
  });
}
