import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type {
  BlobBody,
  BlobInfo,
  BlobStore,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
} from '../blob-store.js';
import { decodeCursor, encodeCursor, pageSize } from '../cursor.js';
import { digestMismatch } from '../digest-stream.js';
import { CasError } from '../error.js';
import { isCompressedKey, validateKey, validatePrefix } from '../key.js';
import { validatePutOptions } from '../metadata.js';
import { readAll, verifiedReadStream } from '../read-stream.js';
import { isS3NotFound, mapS3Error } from './s3-errors.js';
import { META_SHA256, META_SIZE, recordedContent, stageUpload, userMetadata } from './s3-object.js';

/** Options for {@link S3BlobStore}. */
export interface S3BlobStoreOptions {
  bucket: string;
  /** e.g. `http://minio:9000`; omit for AWS. */
  endpoint?: string;
  /** Default `us-east-1`. */
  region?: string;
  /** Omit to use the SDK's default chain (env, IRSA, instance profile). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`http://host/bucket/key`), needed for MinIO. Default false. */
  forcePathStyle?: boolean;
  /** Attempts per request, including the first (default 3). */
  maxAttempts?: number;
  /** Give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Give up when a connection stays silent this long (default 30000 ms). */
  socketTimeoutMs?: number;
  /** Use this client instead of building one (then `close()` leaves it open). */
  client?: S3Client;
}

function notFound(key: string, cause?: unknown): CasError {
  return new CasError({ code: 'BLOB_NOT_FOUND', message: `no blob at ${key}`, key, cause });
}

/**
 * The blob store on S3 or MinIO. Each object carries its digest and uncompressed size as user
 * metadata; `.zst` keys are stored as a zstd frame with `Content-Encoding: zstd`. A body is
 * hashed (and compressed) before the upload starts, because the digest travels in the request
 * headers: bytes are sent as given, a stream is held once in memory.
 */
export class S3BlobStore implements BlobStore {
  private readonly s3: S3Client;
  private readonly ownsClient: boolean;
  private readonly bucket: string;

  constructor(opts: S3BlobStoreOptions) {
    this.bucket = opts.bucket;
    this.ownsClient = opts.client === undefined;
    this.s3 =
      opts.client ??
      new S3Client({
        region: opts.region ?? 'us-east-1',
        ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
        ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
        forcePathStyle: opts.forcePathStyle ?? false,
        maxAttempts: opts.maxAttempts ?? 3,
        // Checksums only where S3 demands them: a streamed body would otherwise go out
        // aws-chunked with a trailer, which not every S3-compatible server understands.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          connectionTimeout: opts.connectTimeoutMs ?? 5000,
          socketTimeout: opts.socketTimeoutMs ?? 30_000,
        },
      });
  }

  async ensureReady(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isS3NotFound(err)) throw mapS3Error(err, `bucket ${this.bucket}`);
    }
    try {
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
        throw mapS3Error(err, `create bucket ${this.bucket}`);
      }
    }
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    validateKey(key);
    validatePutOptions(key, opts.metadata, opts.contentType);
    const compressed = isCompressedKey(key);
    const { digest, size, stored, storedSize } = await stageUpload(key, body, compressed);
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: stored,
          ContentLength: storedSize,
          ContentType: opts.contentType ?? 'application/octet-stream',
          ...(compressed ? { ContentEncoding: 'zstd' } : {}),
          Metadata: {
            ...opts.metadata,
            [META_SHA256]: digest.slice('sha256:'.length),
            [META_SIZE]: String(size),
          },
        }),
      );
    } catch (err) {
      throw mapS3Error(err, `put ${key}`, key);
    }
    return { key, digest, size, storedSize };
  }

  async get(key: string): Promise<Readable> {
    validateKey(key);
    let res: GetObjectCommandOutput;
    try {
      res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isS3NotFound(err)) throw notFound(key, err);
      throw mapS3Error(err, `get ${key}`, key);
    }
    const source = res.Body as Readable;
    const expected = recordedContent(res.Metadata);
    if (!expected) {
      source.destroy();
      throw digestMismatch(key, 'the object has no recorded digest, so it cannot be verified');
    }
    return verifiedReadStream(source, { key, ...expected }, isCompressedKey(key), (err) =>
      mapS3Error(err, `get ${key}`, key),
    );
  }

  async getBytes(key: string): Promise<Buffer> {
    return readAll(await this.get(key));
  }

  async head(key: string): Promise<BlobInfo | null> {
    validateKey(key);
    let res: HeadObjectCommandOutput;
    try {
      res = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isS3NotFound(err)) return null;
      throw mapS3Error(err, `head ${key}`, key);
    }
    const expected = recordedContent(res.Metadata);
    if (!expected) throw digestMismatch(key, 'the object has no recorded digest');
    const info: BlobInfo = {
      key,
      digest: expected.digest,
      size: expected.size,
      storedSize: res.ContentLength ?? 0,
      metadata: userMetadata(res.Metadata),
      lastModified: res.LastModified ?? new Date(0),
    };
    if (res.ContentType !== undefined) info.contentType = res.ContentType;
    return info;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
    validatePrefix(prefix);
    const after = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
    let res: ListObjectsV2CommandOutput;
    try {
      res = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          ...(prefix === '' ? {} : { Prefix: prefix }),
          ...(after === undefined ? {} : { StartAfter: after }),
          MaxKeys: pageSize(opts.limit),
        }),
      );
    } catch (err) {
      throw mapS3Error(err, `list ${prefix}`);
    }
    const items = (res.Contents ?? []).map((o) => ({
      key: o.Key ?? '',
      size: o.Size ?? 0,
      lastModified: o.LastModified ?? new Date(0),
    }));
    const last = items.at(-1);
    return res.IsTruncated && last ? { items, nextCursor: encodeCursor(last.key) } : { items };
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isS3NotFound(err)) return;
      throw mapS3Error(err, `delete ${key}`, key);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.s3.destroy();
  }
}
