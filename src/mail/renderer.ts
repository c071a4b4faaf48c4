/**
 * The renderer: turns a mail (plain data, see compose.ts) into its HTML and text, and a receipt,
 * invoice or contract (plain data, `PdfRequest`) into its PDF. The server's is one worker thread
 * (piscina), so neither React Email nor pdfkit ever runs on the event loop: a mail takes tens of
 * milliseconds of CPU (the first one also loads react-dom/server, whose AsyncLocalStorage turns
 * on async hooks for every promise of the thread it runs in), a PDF 5-50 ms; the thread also
 * sends mail (mailer()). One thread for all: none is urgent enough for a thread of its own, and
 * one thread costs one thread's memory, one start and one close; tasks queue behind one another.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Config } from '../config';
import type { ContractPdfInput } from '../contracts/contract-pdf';
import type { InvoiceSnapshot } from '../domain/invoice';
import type { ReceiptSnapshot } from '../domain/receipt';
import type { Locale } from '../i18n';
import type { PdfLogo } from '../receipts/receipt-pdf';
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

/** A document to print, as plain data (it crosses to the render worker as it is). */
export type PdfRequest =
  | { kind: 'receipt'; receipt: ReceiptSnapshot; locale: Locale; logo?: PdfLogo | undefined }
  | { kind: 'invoice'; invoice: InvoiceSnapshot; locale: Locale }
  | { kind: 'contract'; contract: ContractPdfInput };

/** What the render worker answers for a PDF: its bytes, and which thread rendered them. */
export interface PdfOnThread {
  pdf: Uint8Array;
  threadId: number;
}

export interface PdfRenderer {
  /** The document's PDF. */
  pdf(request: PdfRequest): Promise<Buffer>;
}

/** Mail and PDFs: what the server's render worker does (RouteDeps, the mail worker). */
export type Renderer = MailRenderer & PdfRenderer;

/** A Buffer over the same bytes (a Uint8Array crossing from a thread arrives as a plain one). */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

export class WorkerRenderer implements Renderer {
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
  renderOnThread(request: RenderRequest): Promise<RenderedOnThread> {
    return this.run<RenderedOnThread>(request);
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
  sendOnThread(request: SendRequest): Promise<{ threadId: number }> {
    return this.run<{ threadId: number }>(request, 'send');
  }

  async pdf(request: PdfRequest): Promise<Buffer> {
    return bufferOf((await this.pdfOnThread(request)).pdf);
  }

  /** As pdf, with the id of the thread that rendered (tests). */
  pdfOnThread(request: PdfRequest): Promise<PdfOnThread> {
    return this.run<PdfOnThread>(request, 'pdf');
  }

  /**
   * Starts the worker thread now rather than at the first render (the server's: its memory at
   * rest then includes the thread, which loads the mail templates as it starts).
   */
  start(): void {
    if (!this.closed) this.poolOf();
  }

  /** How many worker threads run now (0 or 1; tests). */
  get threads(): number {
    return this.pool?.threads.length ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  /** Runs the worker's task `name` (its default export when absent) on `request`. */
  private async run<T>(request: unknown, name?: 'send' | 'pdf'): Promise<T> {
    if (this.closed) throw new Error('the renderer is closed');
    return (await this.poolOf().run(request, name === undefined ? {} : { name })) as T;
  }

  /** Started by start() or the first render, so an app that renders nothing need start no thread. */
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

/**
 * The server's renderer: one worker thread for mail and PDFs, started by start() or the first
 * render, ended by close().
 */
export function createRenderer(
  options: ConstructorParameters<typeof WorkerRenderer>[0] = {},
): WorkerRenderer {
  return new WorkerRenderer(options);
}
