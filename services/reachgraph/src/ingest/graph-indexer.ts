import { Worker } from 'node:worker_threads';
import type { ReachGraph, SchemaIssue, SchemaName } from '@stella-ops/core';
import { GraphError, type GraphErrorCode } from '@stella-ops/graph';
import type { Logger } from 'pino';
import { coreOfStoredGraph, type IndexedGraph, indexDocument } from '../engine.js';

/** One upload being indexed: finish it with the digest, or cancel it. */
export interface IndexJob {
  /**
   * The binary form. `doc` is the request thread's normalised document;
   * `normalizedAsSent` says whether the body was normalised already (the worker builds from the
   * body as sent, and again from its normalised form only when it was not).
   */
  finish(digest: string, doc: ReachGraph, normalizedAsSent: boolean): Promise<IndexedGraph>;
  cancel(): void;
}

type Reply = {
  id: number;
  issues?: SchemaIssue[];
  /** A `core` job's answer: the core's stored form, or null when the graph wants none. */
  core?: Uint8Array | null;
  result?: Omit<IndexedGraph, 'binaryZst' | 'coreZst'> & { binaryZst: Uint8Array; coreZst?: Uint8Array };
  error?: { graphCode?: GraphErrorCode; message: string };
};

/**
 * Young generation of the index worker, in MiB: 32 MiB semi-spaces, twice V8's default. Parsing and indexing a
 * multi-megabyte body makes tens of megabytes of short-lived objects: with the default, most are
 * promoted and later paid for in mark-compacts. Measured on the 10k/30k upsert (5.6 MB body): server
 * CPU per upsert 218 → 173 ms. Set here rather than by a Node flag so it holds however the service
 * is started; the request thread's own is set by `--max-semi-space-size` (the image's NODE_OPTIONS).
 */
const WORKER_YOUNG_GENERATION_MB = 96;

/** A Buffer over the same bytes (what crosses the worker boundary arrives as a plain Uint8Array). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function replyError(reply: Reply): Error {
  if (reply.error?.graphCode)
    return new GraphError({ code: reply.error.graphCode, message: reply.error.message });
  return new Error(reply.error?.message ?? 'index worker failed');
}

/**
 * Indexes uploads: large ones on a worker thread that starts from the raw body as soon as it is read
 * (parse, build the CSR index) while the request thread validates and hashes — on two
 * cores the slow halves of an upsert overlap. The worker also validates large replay requests while
 * the request thread rebuilds. Small bodies, and code not running from `dist` (tests run the
 * TypeScript sources), are handled inline.
 */
export class GraphIndexer {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { settle: (reply: Reply) => void; fail: (err: Error) => void }
  >();
  private readonly workerUrl = new URL('./index-worker.js', import.meta.url);
  private readonly canUseWorker = import.meta.url.endsWith('.js');

  constructor(
    private readonly minWorkerBytes: number,
    private readonly logger: Logger,
  ) {}

  private usesWorker(body: Uint8Array): boolean {
    return this.canUseWorker && this.minWorkerBytes > 0 && body.length >= this.minWorkerBytes;
  }

  /** Sends a job with its own copy of the body (transferred, not cloned again). */
  private send<T>(
    message: Record<string, unknown>,
    body: Uint8Array,
    settle: (reply: Reply) => T,
  ): { id: number; result: Promise<T> } {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        settle: (reply) => {
          try {
            resolve(settle(reply));
          } catch (err) {
            reject(err);
          }
        },
        fail: reject,
      });
    });
    // The request thread may not be waiting yet (or may never: it failed first); a rejection must
    // not go unhandled meanwhile. Whoever awaits `result` still sees it.
    result.catch(() => {});
    const copy = new Uint8Array(body);
    worker.postMessage({ ...message, id, body: copy }, [copy.buffer]);
    return { id, result };
  }

  start(body: Uint8Array): IndexJob {
    if (!this.usesWorker(body)) {
      return { finish: (digest, doc) => indexDocument(doc, digest), cancel: () => {} };
    }
    const { id, result } = this.send({}, body, (reply): IndexedGraph => {
      if (!reply.result) throw replyError(reply);
      const { binaryZst, coreZst, ...r } = reply.result;
      return { ...r, binaryZst: asBuffer(binaryZst), ...(coreZst ? { coreZst: asBuffer(coreZst) } : {}) };
    });
    let settled = false;
    return {
      finish: (digest, _doc, normalizedAsSent) => {
        settled = true;
        this.worker?.postMessage({ id, digest, normalizedAsSent });
        return result;
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        this.worker?.postMessage({ id, cancel: true });
      },
    };
  }

  /**
   * Validates a large body against a schema on the worker while the request thread parses it and
   * starts the work it asks for. Undefined for small bodies or without a worker: validate inline.
   */
  validate(schema: SchemaName, body: Uint8Array): Promise<SchemaIssue[]> | undefined {
    if (!this.usesWorker(body)) return undefined;
    return this.send({ validate: schema }, body, (reply) => {
      if (!reply.issues) throw replyError(reply);
      return reply.issues;
    }).result;
  }

  /**
   * The CVE core a stored graph (its binary form, zstd) should have ({@link coreOfStoredGraph}), made
   * on the worker: this is background work and must not hold up requests. Inline without a worker.
   */
  core(compressed: Uint8Array): Promise<Buffer | undefined> {
    if (!this.canUseWorker) return Promise.resolve().then(() => coreOfStoredGraph(compressed));
    return this.send({ core: true }, compressed, (reply) => {
      if (reply.core === undefined) throw replyError(reply);
      return reply.core === null ? undefined : asBuffer(reply.core);
    }).result;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerUrl, {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      p.settle(reply);
    });
    worker.on('error', (err) => {
      this.logger.error({ err }, 'index worker failed; a new one starts with the next job');
      this.failAll(err);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error('index worker exited'));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.fail(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
