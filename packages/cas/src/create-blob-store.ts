import type { BlobStore } from './blob-store.js';
import { FsBlobStore, type FsBlobStoreOptions } from './fs/fs-blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3/s3-blob-store.js';

/** Which backend to use, as a service's config names it. */
export type BlobStoreConfig = ({ kind: 'fs' } & FsBlobStoreOptions) | ({ kind: 's3' } & S3BlobStoreOptions);

/** Builds the configured backend (call `ensureReady()` before serving). */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  return config.kind === 's3' ? new S3BlobStore(config) : new FsBlobStore(config);
}
