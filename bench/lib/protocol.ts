/** Messages between the benchmark and its child processes (over the fork() IPC channel). */

/** One timed HTTP transfer, performed by bench/client-child.ts. */
export type ClientJob =
  | {
      kind: 'upload';
      url: string;
      method: string;
      headers: Record<string, string>;
      file: string;
      size: number;
    }
  | {
      kind: 'download';
      url: string;
      headers: Record<string, string>;
      /** Where the body is written, to be hashed after the timed transfer. */
      outFile: string;
    };

export type ClientResult =
  | {
      ok: true;
      status: number;
      /** Request body bytes read from the file (upload) or response body bytes received (download). */
      bytes: number;
      /** Wall time from just before the request to the end of the response. */
      seconds: number;
      headers: Record<string, string>;
      /** The response body, for uploads (truncated), to explain a refusal. */
      body: string;
    }
  | { ok: false; error: string };

/** Sent by bench/baseline-server.ts once it listens. */
export interface ServerReady {
  port: number;
}

export function isServerReady(message: unknown): message is ServerReady {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { port?: unknown }).port === 'number'
  );
}

export function isClientResult(message: unknown): message is ClientResult {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { ok?: unknown }).ok === 'boolean'
  );
}
