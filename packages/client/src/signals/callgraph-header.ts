import type { CallgraphHeaderRecord, CallgraphRecord } from '@stella-ops/core';
import { clientError } from '../error.js';
import type { BodyFactory, RequestBody } from '../http/body.js';
import type { CallgraphBody, PushCallgraphOptions } from './types.js';

type HeaderHints = Pick<PushCallgraphOptions, 'purl' | 'language' | 'source'>;

function headerFrom(hints: HeaderHints): CallgraphHeaderRecord | undefined {
  if (hints.purl === undefined && hints.language === undefined) return undefined;
  if (hints.purl === undefined || hints.language === undefined) {
    throw clientError('HEADER_CONFLICT', 'the upload has no header record: give both purl and language');
  }
  return {
    type: 'header',
    schemaVersion: 'stella.callgraph@v1',
    language: hints.language,
    source: hints.source ?? 'stella-client',
    componentPurl: hints.purl,
  };
}

function checkHeader(first: unknown, hints: HeaderHints): boolean {
  if (typeof first !== 'object' || first === null || (first as { type?: unknown }).type !== 'header') {
    return false;
  }
  const header = first as Partial<CallgraphHeaderRecord>;
  if (hints.language !== undefined && header.language !== hints.language) {
    throw clientError(
      'HEADER_CONFLICT',
      `the header says language ${header.language}, not ${hints.language}`,
    );
  }
  if (hints.purl !== undefined && header.componentPurl !== hints.purl) {
    throw clientError(
      'HEADER_CONFLICT',
      `the header says componentPurl ${header.componentPurl}, not ${hints.purl}`,
    );
  }
  return true;
}

function parseFirstLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined; // the server reports the bad line with its number
  }
}

function withHeaderText(text: string, hints: HeaderHints): string {
  const first = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  if (checkHeader(parseFirstLine(first), hints)) return text;
  const header = headerFrom(hints);
  return header ? `${JSON.stringify(header)}\n${text}` : text;
}

interface Peeked {
  /** The first line (or the first 1 MiB), as read. */
  buffered: Buffer;
  /** True when that was everything. */
  ended: boolean;
  iterator: AsyncIterator<Uint8Array | string>;
}

/** Reads a stream up to the end of its first line (at most 1 MiB). */
async function peek(source: AsyncIterable<Uint8Array | string>): Promise<Peeked> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const step = await iterator.next();
    if (step.done) return { buffered: Buffer.concat(head), ended: true, iterator };
    const chunk = typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : Buffer.from(step.value);
    head.push(chunk);
    size += chunk.length;
    if (chunk.includes(0x0a) || size >= 1024 * 1024)
      return { buffered: Buffer.concat(head), ended: false, iterator };
  }
}

/**
 * Reads a stream's first line before anything is sent, so a header that disagrees fails the call
 * without a request; then yields the header to add (if any) and the whole stream.
 */
async function withHeaderStream(
  source: AsyncIterable<Uint8Array | string>,
  hints: HeaderHints,
): Promise<AsyncIterable<Uint8Array>> {
  const { buffered, ended, iterator } = await peek(source);
  let prefix: string;
  try {
    prefix = withHeaderPrefix(buffered, buffered.indexOf(0x0a), hints);
  } catch (err) {
    await iterator.return?.();
    throw err;
  }
  return (async function* () {
    if (prefix !== '') yield Buffer.from(prefix, 'utf8');
    if (buffered.length > 0) yield buffered;
    if (ended) return;
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      yield typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : step.value;
    }
  })();
}

/** Checks a factory's stream's header now (then closes that stream). */
async function checkFactory(open: BodyFactory, hints: HeaderHints): Promise<void> {
  const { buffered, iterator } = await peek(await open());
  try {
    withHeaderPrefix(buffered, buffered.indexOf(0x0a), hints);
  } finally {
    await iterator.return?.();
  }
}

function withHeaderPrefix(buffered: Buffer, nl: number, hints: HeaderHints): string {
  const first = buffered.subarray(0, nl < 0 ? buffered.length : nl).toString('utf8');
  if (checkHeader(parseFirstLine(first), hints)) return '';
  const header = headerFrom(hints);
  return header ? `${JSON.stringify(header)}\n` : '';
}

/**
 * The upload as NDJSON, with a header record written from the hints when it has none (and the
 * hints checked against the header when it has one, before anything is sent). Streams stay streams.
 */
export async function callgraphUpload(body: CallgraphBody, hints: HeaderHints): Promise<RequestBody> {
  if (Array.isArray(body)) {
    const records = body as CallgraphRecord[];
    const text = records.map((r) => JSON.stringify(r)).join('\n');
    return withHeaderText(records.length > 0 ? `${text}\n` : '', hints);
  }
  if (hints.purl === undefined && hints.language === undefined) return body;
  if (typeof body === 'string') return withHeaderText(body, hints);
  if (body instanceof Uint8Array) return withHeaderText(Buffer.from(body).toString('utf8'), hints);
  if (body instanceof Blob) return withHeaderStream(blobChunks(body), hints);
  if (typeof body === 'function') {
    // Checked now (a conflict fails before any request); every attempt opens a fresh stream.
    await checkFactory(body, hints);
    return async () => withHeaderStream(await body(), hints);
  }
  return withHeaderStream(body, hints);
}

async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(await blob.arrayBuffer());
}
