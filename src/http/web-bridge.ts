/**
 * Hands a Node request to a handler that speaks Web Requests and Responses (@tus/server v2),
 * and its Response back to Node.
 *
 * @tus/server's own handle() does this through srvx, whose body is Node 20's Readable.toWeb():
 * that copies every chunk into a new Uint8Array ("to detach it from the pool"). HTTP body chunks
 * are never pooled, so the copy buys nothing, and on a 5 GB upload it is 5 GB more to allocate
 * and collect (~0.2 s of CPU per GiB in a profile, and more ArrayBuffers for V8 to sweep). Here
 * the chunks pass as they are, with the same flow control (pause past the queue's high-water
 * mark, resume on pull).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

// Every upload route answers with a path-relative Location, so the origin is never shown.
const PLACEHOLDER_ORIGIN = 'http://milepost.invalid';
// As much as Readable.toWeb queues before pausing the socket: the request's own high-water mark.
const QUEUE_BYTES = 64 * 1024;

// How to stop feeding a request's body into its Web stream, once nobody will read it.
const detachers = new WeakMap<IncomingMessage, () => void>();

/** The request's body as a Web stream, chunks uncopied; the socket is paused while it is full. */
function bodyOf(raw: IncomingMessage): ReadableStream<Uint8Array> {
  let onData: ((chunk: Buffer) => void) | undefined;
  const detach = (): void => {
    if (onData) raw.off('data', onData);
    onData = undefined;
  };
  detachers.set(raw, detach);
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        raw.pause();
        onData = (chunk) => {
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) raw.pause();
        };
        raw.on('data', onData);
        raw.once('end', () => controller.close());
        // A client gone mid-body: the reader gets an error, never a short "complete" body.
        raw.once('close', () => {
          if (!raw.complete) controller.error(new Error('The client closed the request'));
        });
        raw.once('error', (error) => controller.error(error));
      },
      pull() {
        raw.resume();
      },
      cancel() {
        detach();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: QUEUE_BYTES }),
  );
}

/**
 * A Web Request for `raw`: same method, path, headers, and its body streamed as it arrives.
 * Like srvx, it carries the Node pair as `runtime.node`, where @tus/server looks for the
 * request's 'error' (a client gone mid-upload) to end the write with what has arrived.
 */
export function webRequestOf(raw: IncomingMessage, res: ServerResponse): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) {
    headers.append(raw.rawHeaders[i] ?? '', raw.rawHeaders[i + 1] ?? '');
  }
  const method = raw.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const request = new Request(new URL(raw.url ?? '/', PLACEHOLDER_ORIGIN), {
    method,
    headers,
    ...(hasBody && { body: bodyOf(raw), duplex: 'half' }),
  } as RequestInit);
  return Object.assign(request, { runtime: { node: { req: raw, res } } });
}

/** Writes a (small, fully buffered) Web Response to Node's response. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const request = res.req;
  // Nobody reads the body from here on. If part of it is still to come (a PATCH refused, or
  // stopped by a full disk), close the connection after answering rather than read gigabytes
  // only to throw them away.
  detachers.get(request)?.();
  if (!request.complete) res.setHeader('connection', 'close');
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.setHeader('content-length', String(body.length));
  await new Promise<void>((resolve) => res.end(body, resolve));
}
