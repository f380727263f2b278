import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type S3TestServer, startS3Server, uniqueBucketName } from '../s3-server.js';

describe('startS3Server', () => {
  let server: S3TestServer;
  let s3: S3Client;
  const bucket = uniqueBucketName('testkit');

  beforeAll(async () => {
    server = await startS3Server({ forceLocal: true });
    s3 = new S3Client({ ...server.clientConfig, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it('speaks S3: put with metadata, head, get, delete', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'a/b.txt',
        Body: Buffer.from('hello'),
        ContentType: 'text/plain',
        Metadata: { sha256: 'abc', owner: 'me' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a/b.txt' }));
    expect(head.ContentLength).toBe(5);
    expect(head.ContentType).toBe('text/plain');
    expect(head.Metadata).toEqual({ sha256: 'abc', owner: 'me' });
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a/b.txt' }));
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a/b.txt' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('stores a streamed body with a declared length byte for byte', async () => {
    const bytes = Buffer.alloc(300_000, 7);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'stream.bin',
        Body: Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]),
        ContentLength: bytes.length,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stream.bin' }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(bytes);
  });

  it('paginates ListObjectsV2 over more than one page', async () => {
    const keys = Array.from({ length: 23 }, (_, i) => `page/${String(i).padStart(3, '0')}`);
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'page/', MaxKeys: 10, ContinuationToken: token }),
      );
      pages++;
      for (const o of res.Contents ?? []) seen.push(o.Key ?? '');
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('lists in UTF-8 byte order like S3, one key per page', async () => {
    const keys = ['ord/a/b', 'ord/a-c', 'ord/a.zst', 'ord/a0', 'ord/B', 'ord/ab/c/d', 'ord/aé'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ord/', MaxKeys: 1, ContinuationToken: token }),
      );
      for (const o of res.Contents ?? []) seen.push(o.Key ?? '');
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    expect(seen).toEqual(expected);
    const after = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ord/', StartAfter: 'ord/a/b' }),
    );
    expect(after.Contents?.map((o) => o.Key)).toEqual(expected.slice(expected.indexOf('ord/a/b') + 1));
  });

  it('keeps its data across kill and restart on the same endpoint', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'durable', Body: 'still here' }));
    await server.kill();
    try {
      // A kept-alive socket of the client may see the kill as a hang-up rather than a refusal.
      await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'durable' }))).rejects.toThrow(
        /ECONNREFUSED|ECONNRESET|socket hang up/,
      );
    } finally {
      await server.restart();
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'durable' }));
    expect(await got.Body?.transformToString()).toBe('still here');
  });

  it('pause makes requests hang until resume', async () => {
    const quick = new S3Client({
      ...server.clientConfig,
      maxAttempts: 1,
      requestHandler: { socketTimeout: 300 },
    });
    try {
      server.pause();
      await expect(quick.send(new HeadObjectCommand({ Bucket: bucket, Key: 'durable' }))).rejects.toThrow();
      server.resume();
      const head = await quick.send(new HeadObjectCommand({ Bucket: bucket, Key: 'durable' }));
      expect(head.ContentLength).toBe(10);
    } finally {
      quick.destroy();
    }
  });
});

describe('uniqueBucketName', () => {
  it('is a valid, unique bucket name', () => {
    const a = uniqueBucketName('Cas Contract!');
    expect(a).toMatch(/^[a-z0-9][a-z0-9-]{2,62}$/);
    expect(uniqueBucketName('Cas Contract!')).not.toBe(a);
    expect(uniqueBucketName('')).toMatch(/^test-/);
  });
});

describe('startS3Server with S3_ENDPOINT (MinIO in CI)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('returns the external server, with no-op stop and no fault injection', async () => {
    process.env.S3_ENDPOINT = 'http://minio.example:9000';
    process.env.S3_ACCESS_KEY_ID = 'ci-key';
    process.env.S3_SECRET_ACCESS_KEY = 'ci-secret';
    delete process.env.S3_REGION;
    const server = await startS3Server();
    expect(server).toMatchObject({
      external: true,
      endpoint: 'http://minio.example:9000',
      region: 'us-east-1',
      accessKeyId: 'ci-key',
      secretAccessKey: 'ci-secret',
      forcePathStyle: true,
      clientConfig: {
        endpoint: 'http://minio.example:9000',
        credentials: { accessKeyId: 'ci-key', secretAccessKey: 'ci-secret' },
        forcePathStyle: true,
      },
    });
    await server.stop();
    await expect(server.kill()).rejects.toThrow(/forceLocal/);
    expect(() => server.pause()).toThrow(/forceLocal/);
  });

  it('still starts a local server with forceLocal', async () => {
    process.env.S3_ENDPOINT = 'http://minio.example:9000';
    const server = await startS3Server({ forceLocal: true });
    try {
      expect(server.external).toBe(false);
      expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await server.stop();
    }
  });
});
