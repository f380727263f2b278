import { parentPort } from 'node:worker_threads';
import { type ReachGraph, type SchemaName, schemaIssues } from '@stella-ops/core';
import { isGraphError } from '@stella-ops/graph';
import { decodeUtf8 } from '@stella-ops/service-kit';
import { coreOfStoredGraph, type IndexedGraph, indexDocument, unsignedNormalized } from '../engine.js';

/**
 * Worker thread: indexes an uploaded document while the request thread validates and hashes it.
 * `{id, body}` starts a job (parse, index the document as sent); `{id, digest, normalizedAsSent}`
 * finishes it (index the normalised document instead when the body was not normalised, encode with
 * the digest, compress); `{id, cancel: true}` drops it. `{id, validate, body}` checks a body against a
 * schema while the request thread already works on it; `{id, core: true, body}` makes the CVE core of a
 * stored graph. Answers `{id, result}`, `{id, issues}`, `{id, core}` or `{id, error}`.
 */
type Message = {
  id: number;
  body?: Uint8Array;
  validate?: SchemaName;
  core?: boolean;
  digest?: string;
  normalizedAsSent?: boolean;
  cancel?: boolean;
};

/** What the request thread says to finish an upload with. */
type Finish = { digest: string; normalizedAsSent: boolean };

const waiting = new Map<number, (finish: Finish | undefined) => void>();
const port = parentPort;

function finishOf(id: number): Promise<Finish> {
  return new Promise((resolve, reject) => {
    waiting.set(id, (finish) => {
      waiting.delete(id);
      if (finish) resolve(finish);
      else reject(new Error('cancelled'));
    });
  });
}

async function run(id: number, body: Uint8Array): Promise<void> {
  const finish = finishOf(id);
  const digest = finish.then((f) => f.digest);
  // A cancelled job rejects both; the first build may fail before it waits for either.
  finish.catch(() => {});
  digest.catch(() => {});
  try {
    const sent = JSON.parse(decodeUtf8(body)) as ReachGraph;
    // Almost every document arrives normalised, and the request thread checks that anyway while
    // hashing it: build from the body as sent rather than check again here (~6% of this job), and
    // build again from the normalised form in the rare case it was not.
    let built: IndexedGraph | undefined;
    let failure: unknown;
    try {
      built = await indexDocument(sent, digest);
    } catch (err) {
      failure = err;
    }
    const { normalizedAsSent } = await finish;
    if (!normalizedAsSent) built = await indexDocument(unsignedNormalized(sent), await digest);
    else if (failure !== undefined || !built) throw failure;
    port?.postMessage({ id, result: built }, [built.binary.buffer as ArrayBuffer]);
  } catch (err) {
    waiting.delete(id);
    const error = isGraphError(err)
      ? { graphCode: err.code, message: err.message }
      : { message: err instanceof Error ? err.message : String(err) };
    port?.postMessage({ id, error });
  }
}

function check(id: number, schema: SchemaName, body: Uint8Array): void {
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(body));
  } catch {
    // The request thread answers JSON_INVALID itself.
    port?.postMessage({ id, issues: [] });
    return;
  }
  port?.postMessage({ id, issues: schemaIssues(schema, value) });
}

/** The CVE core of a stored graph (`body`: its binary form, zstd), or null when it wants none. */
function core(id: number, body: Uint8Array): void {
  try {
    // Copied, not transferred: a Buffer's ArrayBuffer may be shared with others.
    port?.postMessage({ id, core: coreOfStoredGraph(body) ?? null });
  } catch (err) {
    port?.postMessage({ id, error: { message: err instanceof Error ? err.message : String(err) } });
  }
}

port?.on('message', (m: Message) => {
  if (m.body && m.core) core(m.id, m.body);
  else if (m.body && m.validate) check(m.id, m.validate, m.body);
  else if (m.body) void run(m.id, m.body);
  else
    waiting.get(m.id)?.(
      m.cancel || m.digest === undefined
        ? undefined
        : { digest: m.digest, normalizedAsSent: m.normalizedAsSent === true },
    );
});
