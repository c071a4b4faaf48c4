/**
 * The mail renderer: turns a mail (plain data, see compose.ts) into its HTML and text. The
 * server's is one worker thread (piscina), so React Email never runs on the event loop: a
 * render takes tens of milliseconds of CPU (the first one also loads react-dom/server), and
 * react-dom/server's AsyncLocalStorage turns on async hooks for every promise of the thread it
 * runs in. Mail is not urgent: one thread, renders queued behind one another.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Config } from '../config';
import type { RenderableMail } from './compose';
import type { Mailer, MailMessage } from './mailer';

export interface RenderRequest {
  mail: RenderableMail;
  /** PUBLIC_URL: every link of the mail is under it. */
  publicUrl: string;
  /** A notification's one-click unsubscribe page. */
  unsubscribeUrl?: string | undefined;
  /** The project's activity chain head, on mail to the client. */
  recordHead?: string | undefined;
}

export interface RenderedBody {
  html: string;
  text: string;
}

/** A message for the worker to send with the transport of `mail` (the `send` task). */
export interface SendRequest {
  mail: Config['mail'];
  message: MailMessage;
}

/** What the render worker answers: the body, and which thread rendered it. */
export interface RenderedOnThread extends RenderedBody {
  threadId: number;
}

export interface MailRenderer {
  render(request: RenderRequest): Promise<RenderedBody>;
  /** Ends the worker; renders asked for afterwards fail. */
  close(): Promise<void>;
}

/**
 * The worker's file for the module at `moduleUrl` (this one's, unless bundled elsewhere). From
 * the TypeScript source (vitest, tsx): render-worker-from-source.mjs beside this file, which
 * registers tsx and loads render-worker.ts. From a bundle (`npm run build:server`, the benches):
 * `mail-render-worker` with the bundle's own extension, beside the bundle — the build emits it
 * there as an entry point of its own.
 */
export function renderWorkerFile(moduleUrl: string = import.meta.url): string {
  const file = fileURLToPath(moduleUrl);
  const extension = path.extname(file);
  return path.join(
    path.dirname(file),
    extension === '.ts' ? 'render-worker-from-source.mjs' : `mail-render-worker${extension}`,
  );
}

/**
 * The worker's environment: the process's, with NODE_ENV 'production' when it is unset, so
 * React's production build renders (several times faster than the development one). Set before
 * the worker starts, as React reads it when it loads. A NODE_ENV that is set (vitest: 'test')
 * is kept.
 */
export function renderWorkerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, NODE_ENV: env.NODE_ENV ?? 'production' };
}

export class WorkerMailRenderer implements MailRenderer {
  private pool: Piscina | undefined;
  private closed = false;

  constructor(
    private readonly options: {
      /** The worker's file: renderWorkerFile() unless a test says otherwise. */
      file?: string;
      /** Told of a worker that failed while it had no render to fail. */
      onError?: (error: Error) => void;
    } = {},
  ) {}

  async render(request: RenderRequest): Promise<RenderedBody> {
    const { html, text } = await this.renderOnThread(request);
    return { html, text };
  }

  /** As render, with the id of the thread that rendered (tests). */
  async renderOnThread(request: RenderRequest): Promise<RenderedOnThread> {
    if (this.closed) throw new Error('the mail renderer is closed');
    return (await this.poolOf().run(request)) as RenderedOnThread;
  }

  /**
   * A mailer that sends on the worker thread: nodemailer's building of each MIME message (several
   * milliseconds of CPU, tens for a burst of mail) stays off the event loop too.
   */
  mailer(mail: Config['mail']): Mailer {
    return {
      send: async (message) => {
        await this.sendOnThread({ mail, message });
      },
    };
  }

  /** Sends on the worker; answers the id of the thread that sent (tests). */
  async sendOnThread(request: SendRequest): Promise<{ threadId: number }> {
    if (this.closed) throw new Error('the mail renderer is closed');
    return (await this.poolOf().run(request, { name: 'send' })) as { threadId: number };
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  /** Started at the first render, so an app that sends no mail starts no thread. */
  private poolOf(): Piscina {
    if (this.pool) return this.pool;
    const pool = new Piscina({
      filename: this.options.file ?? renderWorkerFile(),
      minThreads: 1,
      maxThreads: 1,
      // process.env is read here only to hand it on to the worker (see renderWorkerEnv).
      env: renderWorkerEnv(process.env),
    });
    // A worker that dies (a crash, out of memory) fails the renders it had (the mail's retry
    // takes them again); its pool goes with it, and the next render starts a new one.
    const retire = (): void => {
      if (this.pool !== pool) return;
      this.pool = undefined;
      void pool.destroy();
    };
    pool.on('workerDestroy', retire);
    pool.on('error', (error: Error) => {
      retire();
      this.options.onError?.(error);
    });
    this.pool = pool;
    return pool;
  }
}

/** The server's renderer: one worker thread, started by the first render, ended by close(). */
export function createMailRenderer(
  options: ConstructorParameters<typeof WorkerMailRenderer>[0] = {},
): WorkerMailRenderer {
  return new WorkerMailRenderer(options);
}
