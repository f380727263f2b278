import { Readable } from 'node:stream';

/** A body sent as it is read (with `duplex: 'half'`). */
export type StreamBody = Readable | AsyncIterable<Uint8Array | string>;

/**
 * Opens a fresh stream of the same bytes for every attempt (e.g. `() => createReadStream(path)`),
 * so a streamed upload can still be retried.
 */
export type BodyFactory = () => StreamBody | Promise<StreamBody>;

/**
 * A request body: bytes, text, a Blob, a stream (sent once: not retried), or a
 * {@link BodyFactory} (streamed, and retried like bytes).
 */
export type RequestBody = string | Uint8Array | Blob | StreamBody | BodyFactory;

/** True when the body can be sent again on a retry. */
export function isReplayable(body: RequestBody | undefined): boolean {
  return (
    body === undefined ||
    typeof body === 'string' ||
    typeof body === 'function' ||
    body instanceof Uint8Array ||
    body instanceof Blob
  );
}

async function* asBytes(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** What fetch takes as a body. */
type FetchBody = NonNullable<RequestInit['body']>;

/** The body as fetch takes it (opening a factory's stream), and whether it needs `duplex: 'half'`. */
export async function toFetchBody(body: RequestBody): Promise<{ init: FetchBody; streaming: boolean }> {
  if (typeof body === 'function') return toFetchBody(await body());
  if (typeof body === 'string' || body instanceof Blob) return { init: body, streaming: false };
  if (body instanceof Uint8Array) return { init: body as Uint8Array<ArrayBuffer>, streaming: false };
  const source = body instanceof Readable ? body : Readable.from(asBytes(body));
  // undici accepts a web ReadableStream; Node's and the DOM's stream types differ only nominally.
  return { init: Readable.toWeb(source) as unknown as FetchBody, streaming: true };
}
