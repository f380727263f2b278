import type { Readable } from 'node:stream';
import {
  type BlobBody,
  type BlobInfo,
  type BlobStore,
  isCasError,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type PutResult,
} from '@stella-ops/cas';
import type { SignalsMetrics } from '../metrics.js';

function resultOf(err: unknown): string {
  return isCasError(err, 'BLOB_NOT_FOUND') ? 'not_found' : 'failure';
}

/**
 * A {@link BlobStore} that counts every operation in `signals_cas_operations_total{operation,result}`.
 * A streamed read counts when its stream ends (`success`) or fails (`failure`: e.g. a digest mismatch).
 */
export class MeteredBlobStore implements BlobStore {
  constructor(
    private readonly inner: BlobStore,
    private readonly metrics: SignalsMetrics,
  ) {}

  private async count<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      const out = await run();
      this.metrics.casOperations.inc({ operation, result: 'success' });
      return out;
    } catch (err) {
      this.metrics.casOperations.inc({ operation, result: resultOf(err) });
      throw err;
    }
  }

  ensureReady(): Promise<void> {
    return this.inner.ensureReady();
  }

  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    return this.count('put', () => this.inner.put(key, body, opts));
  }

  async get(key: string): Promise<Readable> {
    let stream: Readable;
    try {
      stream = await this.inner.get(key);
    } catch (err) {
      this.metrics.casOperations.inc({ operation: 'get', result: resultOf(err) });
      throw err;
    }
    let counted = false;
    const once = (result: string) => {
      if (counted) return;
      counted = true;
      this.metrics.casOperations.inc({ operation: 'get', result });
    };
    stream.once('end', () => once('success'));
    stream.once('error', () => once('failure'));
    return stream;
  }

  getBytes(key: string): Promise<Buffer> {
    return this.count('get', () => this.inner.getBytes(key));
  }

  head(key: string): Promise<BlobInfo | null> {
    return this.count('head', () => this.inner.head(key));
  }

  list(prefix: string, opts?: ListOptions): Promise<ListPage> {
    return this.count('list', () => this.inner.list(prefix, opts));
  }

  delete(key: string): Promise<void> {
    return this.count('delete', () => this.inner.delete(key));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
