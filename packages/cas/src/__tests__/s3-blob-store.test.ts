import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type S3TestServer, startS3Server, uniqueBucketName } from '@stella-ops/testkit';
import { type CasError, isCasError } from '../error.js';
import { S3BlobStore } from '../s3/s3-blob-store.js';
import { describeBlobStoreContract } from './blob-store-contract.js';

let server: S3TestServer;
let raw: S3Client;

beforeAll(async () => {
  server = await startS3Server();
  raw = new S3Client(server.clientConfig);
});
afterAll(async () => {
  raw?.destroy();
  await server?.stop();
});

function storeFor(
  s: S3TestServer,
  bucket: string,
  extra: Partial<ConstructorParameters<typeof S3BlobStore>[0]> = {},
) {
  return new S3BlobStore({
    bucket,
    endpoint: s.endpoint,
    region: s.region,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    forcePathStyle: true,
    ...extra,
  });
}

describeBlobStoreContract('S3 (s3rver or S3_ENDPOINT)', async () => {
  const bucket = uniqueBucketName('cas-contract');
  return {
    store: storeFor(server, bucket),
    async readStored(key) {
      const res = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
    },
    async writeStored(key, bytes) {
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      await raw.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: Buffer.from(bytes),
          Metadata: head.Metadata,
          ContentType: head.ContentType,
          ContentEncoding: head.ContentEncoding,
        }),
      );
    },
    dispose: async () => {},
  };
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isCasError(err) ? err.code : `not a CasError: ${String(err)}`;
  }
  return 'resolved';
}

describe('S3BlobStore specifics', () => {
  it('stores the digest as x-amz-meta-sha256 and .zst objects with Content-Encoding zstd', async () => {
    const bucket = uniqueBucketName('cas-s3');
    const store = storeFor(server, bucket);
    try {
      await store.ensureReady();
      const put = await store.put('x/y.ndjson.zst', Buffer.from('{}\n'.repeat(100)), {
        contentType: 'application/x-ndjson',
      });
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'x/y.ndjson.zst' }));
      expect(head.Metadata).toEqual({ sha256: put.digest.slice(7), 'uncompressed-size': '300' });
      expect(head.ContentEncoding).toBe('zstd');
      expect(head.ContentType).toBe('application/x-ndjson');
    } finally {
      await store.close();
    }
  });

  it('refuses to serve an object that has no recorded digest', async () => {
    const bucket = uniqueBucketName('cas-s3');
    const store = storeFor(server, bucket);
    try {
      await store.ensureReady();
      await raw.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'foreign', Body: 'written by someone else' }),
      );
      expect(await codeOf(store.getBytes('foreign'))).toBe('BLOB_DIGEST_MISMATCH');
      expect(await codeOf(store.head('foreign'))).toBe('BLOB_DIGEST_MISMATCH');
    } finally {
      await store.close();
    }
  });

  it('reports a missing bucket as unavailable until ensureReady creates it', async () => {
    const store = storeFor(server, uniqueBucketName('cas-nobucket'));
    try {
      expect(await codeOf(store.put('k', Buffer.from('x')))).toBe('BLOB_STORE_UNAVAILABLE');
      expect(await codeOf(store.getBytes('k'))).toBe('BLOB_STORE_UNAVAILABLE');
      await store.ensureReady();
      await store.put('k', Buffer.from('x'));
      expect((await store.getBytes('k')).toString()).toBe('x');
    } finally {
      await store.close();
    }
  });

  it('reports bad credentials as BLOB_STORE_ERROR, not as unavailable', async () => {
    if (server.external) return; // MinIO in CI has its own credential rules
    const bucket = uniqueBucketName('cas-s3');
    const good = storeFor(server, bucket);
    await good.ensureReady();
    await good.close();
    const store = storeFor(server, bucket, {
      credentials: { accessKeyId: 'nobody', secretAccessKey: 'wrong' },
    });
    try {
      expect(await codeOf(store.put('k', Buffer.from('x')))).toBe('BLOB_STORE_ERROR');
    } finally {
      await store.close();
    }
  });
});

describe('S3BlobStore when the server goes away', () => {
  let local: S3TestServer;
  beforeAll(async () => {
    local = await startS3Server({ forceLocal: true });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('answers BLOB_STORE_UNAVAILABLE while stopped and recovers after a restart', async () => {
    const bucket = uniqueBucketName('cas-fault');
    const store = storeFor(local, bucket, { maxAttempts: 1 });
    try {
      await store.ensureReady();
      await store.put('keep', Buffer.from('durable'));
      await local.kill();
      const ops: [string, Promise<unknown>][] = [
        ['ensureReady', store.ensureReady()],
        ['put', store.put('new', Buffer.from('x'))],
        ['get', store.get('keep')],
        ['getBytes', store.getBytes('keep')],
        ['head', store.head('keep')],
        ['list', store.list('')],
        ['delete', store.delete('keep')],
      ];
      for (const [name, p] of ops) expect([name, await codeOf(p)]).toEqual([name, 'BLOB_STORE_UNAVAILABLE']);
      await local.restart();
      expect((await store.getBytes('keep')).toString()).toBe('durable');
    } finally {
      await store.close();
    }
  });

  it('times out against a frozen server instead of hanging', async () => {
    const bucket = uniqueBucketName('cas-fault');
    const store = storeFor(local, bucket, { maxAttempts: 1, socketTimeoutMs: 500 });
    try {
      await store.ensureReady();
      local.pause();
      const err = await store.head('anything').catch((e: unknown) => e as CasError);
      expect(isCasError(err, 'BLOB_STORE_UNAVAILABLE')).toBe(true);
    } finally {
      local.resume();
      await store.close();
    }
  });
});
