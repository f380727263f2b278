import { Readable } from 'node:stream';

/** A request body: bytes, text, a Blob, or a stream (sent with `duplex: 'half'`, not retried). */
export type RequestBody = string | Uint8Array | Blob | Readable | AsyncIterable<Uint8Array | string>;

/** True when the body can be sent again on a retry. */
export function isReplayable(body: RequestBody | undefined): boolean {
  return body === undefined || typeof body === 'string' || body instanceof Uint8Array || body instanceof Blob;
}

async function* asBytes(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** What fetch takes as a body. */
type FetchBody = NonNullable<RequestInit['body']>;

/** The body as fetch takes it, and whether it needs `duplex: 'half'`. */
export function toFetchBody(body: RequestBody): { init: FetchBody; streaming: boolean } {
  if (typeof body === 'string' || body instanceof Blob) return { init: body, streaming: false };
  if (body instanceof Uint8Array) return { init: body as Uint8Array<ArrayBuffer>, streaming: false };
  const source = body instanceof Readable ? body : Readable.from(asBytes(body));
  // undici accepts a web ReadableStream; Node's and the DOM's stream types differ only nominally.
  return { init: Readable.toWeb(source) as unknown as FetchBody, streaming: true };
}
