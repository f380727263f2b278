import type { Readable } from 'node:stream';

/**
 * Content already hashed (and, for a `.zst` key, compressed) by the caller — see `prepareBlob` —
 * so `put` does neither on the event loop. The store records `digest` and `size` as given and
 * writes `stored` as it is; every read still verifies the content against `digest`, so a wrong
 * digest is never served (it makes the blob unreadable: build these with `prepareBlob`).
 */
export interface PreparedBlob {
  readonly kind: 'prepared';
  /** `sha256:<hex>` of the content (uncompressed). */
  readonly digest: string;
  /** Content bytes (uncompressed). */
  readonly size: number;
  /** `zstd` (one or more zstd frames of the content; for `.zst` keys) or `identity` (the content). */
  readonly encoding: 'zstd' | 'identity';
  /** The bytes at rest. */
  readonly stored: Uint8Array;
}

/** What `put` accepts: bytes, a Node `Readable`, any async iterable of chunks, or a prepared blob. */
export type BlobBody = Uint8Array | AsyncIterable<Uint8Array | string> | PreparedBlob;

/** Options for {@link BlobStore.put}. */
export interface PutOptions {
  /** Media type of the (uncompressed) content, e.g. `application/x-ndjson`. */
  contentType?: string;
  /** User metadata: lowercase names, printable-ASCII values (see `validatePutOptions`). */
  metadata?: Record<string, string>;
}

/** What {@link BlobStore.put} stored. */
export interface PutResult {
  key: string;
  /** `sha256:<hex>` of the bytes as given to `put` (uncompressed, even for `.zst` keys). */
  digest: string;
  /** Bytes given to `put`. */
  size: number;
  /** Bytes at rest: the zstd frame for `.zst` keys, else equal to `size`. */
  storedSize: number;
}

/** What {@link BlobStore.head} knows about an object, without reading it. */
export interface BlobInfo {
  key: string;
  /** The digest recorded at `put` (`sha256:<hex>` of the uncompressed content). */
  digest: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** Bytes at rest. */
  storedSize: number;
  contentType?: string;
  metadata: Record<string, string>;
  lastModified: Date;
}

/** Options for {@link BlobStore.list}. */
export interface ListOptions {
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1–1000 (default 1000). */
  limit?: number;
}

/** One object in a listing. */
export interface ListItem {
  key: string;
  /** Bytes at rest (compressed for `.zst` keys): listings never read object metadata. */
  size: number;
  lastModified: Date;
}

/** One page of a listing, in ascending key order (UTF-8 byte order, as S3 sorts). */
export interface ListPage {
  items: ListItem[];
  /** Present when more keys follow; pass it as `cursor` to get them. */
  nextCursor?: string;
}

/**
 * A content-addressed blob store. Every read verifies the content against the digest recorded at
 * write time; keys ending in `.zst` are stored zstd-compressed and read back decompressed. Errors
 * are `CasError`s: `BLOB_KEY_INVALID`, `BLOB_NOT_FOUND`, `BLOB_DIGEST_MISMATCH`,
 * `BLOB_STORE_UNAVAILABLE`, ...
 */
export interface BlobStore {
  /** Prepares the backend (S3: the bucket exists, created if not; filesystem: the root dir). */
  ensureReady(): Promise<void>;
  /** Stores `body` under `key`, replacing any object there. */
  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult>;
  /**
   * Streams the content. Bytes flow as they arrive; the stream errors at its end with
   * `BLOB_DIGEST_MISMATCH` if they do not match the recorded digest (or as soon as there are more
   * bytes than recorded), so a consumer must treat a stream error as "discard everything".
   * Rejects with `BLOB_NOT_FOUND` when there is no such object.
   */
  get(key: string): Promise<Readable>;
  /** The whole content, verified before it is returned. */
  getBytes(key: string): Promise<Buffer>;
  /** The object's recorded digest, sizes and metadata, or null when there is none. */
  head(key: string): Promise<BlobInfo | null>;
  /** Keys starting with `prefix` (plain string prefix; `''` lists everything), a page at a time. */
  list(prefix: string, opts?: ListOptions): Promise<ListPage>;
  /** Removes the object; removing a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
