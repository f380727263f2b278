/**
 * `@stella-ops/cas`: a content-addressed blob store (S3/MinIO and filesystem backends behind one
 * `BlobStore` interface, verified reads, transparent zstd for `.zst` keys) and the zstd codec the
 * whole repository uses.
 */
export type {
  BlobBody,
  BlobInfo,
  BlobStore,
  ListItem,
  ListOptions,
  ListPage,
  PreparedBlob,
  PutOptions,
  PutResult,
} from './blob-store.js';
export type { BlobStoreConfig } from './create-blob-store.js';
export { createBlobStore } from './create-blob-store.js';
export { sha256Digest } from './digest-stream.js';
export type { CasErrorCode } from './error.js';
export { CasError, isCasError } from './error.js';
export type { FsBlobStoreOptions } from './fs/fs-blob-store.js';
export { FsBlobStore } from './fs/fs-blob-store.js';
export { isCompressedKey, MAX_KEY_BYTES, validateKey } from './key.js';
export { isPreparedBlob, prepareBlob } from './prepared-blob.js';
export type { S3BlobStoreOptions } from './s3/s3-blob-store.js';
export { S3BlobStore } from './s3/s3-blob-store.js';
export type { ZstdDecompressOptions } from './zstd.js';
export {
  createZstdCompressStream,
  createZstdDecompressStream,
  isZstd,
  ZSTD_DEFAULT_LEVEL,
  ZSTD_DEFAULT_MAX_OUTPUT_BYTES,
  ZSTD_MAGIC,
  zstdCompress,
  zstdDecompress,
  zstdImplementation,
} from './zstd.js';
