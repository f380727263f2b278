import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { spawnS3rver, waitForExit } from './s3rver-process.js';
import { type TmpDir, tmpDir } from './tmp.js';

/**
 * Settings to spread into `new S3Client({...})` from `@aws-sdk/client-s3`. Checksums are computed
 * only when an operation requires them: with the SDK default a streamed body is sent
 * `aws-chunked` with a trailing checksum, which s3rver stores verbatim (corrupting the object).
 */
export interface S3ClientSettings {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: true;
  requestChecksumCalculation: 'WHEN_REQUIRED';
  responseChecksumValidation: 'WHEN_REQUIRED';
}

function clientSettings(
  endpoint: string,
  region: string,
  accessKeyId: string,
  secretAccessKey: string,
): S3ClientSettings {
  return {
    endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** A running S3-protocol server for a test: a local s3rver process, or the CI's MinIO. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>` (or `S3_ENDPOINT`). */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Always path-style (`http://host/bucket/key`), as MinIO and s3rver need. */
  forcePathStyle: true;
  /** The same settings in the shape `new S3Client(server.clientConfig)` takes. */
  clientConfig: S3ClientSettings;
  /**
   * True when this is an external server from `S3_ENDPOINT`: then {@link stop} does nothing and the
   * fault-injection methods throw (start with `{ forceLocal: true }` for fault tests).
   */
  external: boolean;
  /**
   * The local server's data directory (objects are files under `<dataDir>/<bucket>/`), for tests
   * that tamper with stored bytes; undefined for an external server.
   */
  dataDir?: string;
  /** Kills the server and deletes its data. Idempotent; call it in `afterAll`. */
  stop(): Promise<void>;
  /** Simulates a crash: kills the process (SIGKILL) but keeps the port and the data directory. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data directory; resolves once it serves. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections are accepted by the kernel but never answered. */
  pause(): void;
  /** Undoes {@link pause} (SIGCONT). */
  resume(): void;
}

/** Options for {@link startS3Server}. */
export interface StartS3ServerOptions {
  /** Start a local s3rver even when `S3_ENDPOINT` is set: fault tests need a server they can kill. */
  forceLocal?: boolean;
}

/** s3rver's built-in credentials. */
const S3RVER_KEY = 'S3RVER';

function externalServer(endpoint: string): S3TestServer {
  const region = process.env.S3_REGION || 'us-east-1';
  const accessKeyId = process.env.S3_ACCESS_KEY_ID ?? '';
  const secretAccessKey = process.env.S3_SECRET_ACCESS_KEY ?? '';
  const unsupported = (): never => {
    throw new Error('fault injection needs a local server: startS3Server({ forceLocal: true })');
  };
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: true,
    clientConfig: clientSettings(endpoint, region, accessKeyId, secretAccessKey),
    external: true,
    stop: async () => {},
    kill: async () => unsupported(),
    restart: async () => unsupported(),
    pause: unsupported,
    resume: unsupported,
  };
}

/**
 * Starts a real S3-protocol HTTP server for a test: `s3rver` in a child process (run with
 * `--openssl-legacy-provider` so ListObjectsV2 pagination works) on a free port of 127.0.0.1 with
 * its own temporary data directory. When `S3_ENDPOINT` is set (MinIO in CI) that server is returned
 * instead, with credentials from `S3_ACCESS_KEY_ID`/`S3_SECRET_ACCESS_KEY` and region `S3_REGION`.
 *
 * Known s3rver limits: conditional writes (`If-None-Match`) are ignored; bucket names need 3+
 * characters. Buckets are not created for you; use {@link uniqueBucketName} so suites sharing a
 * MinIO do not collide.
 */
export async function startS3Server(opts: StartS3ServerOptions = {}): Promise<S3TestServer> {
  const external = process.env.S3_ENDPOINT;
  if (external && !opts.forceLocal) return externalServer(external);

  const dir: TmpDir = await tmpDir('stella-s3rver-');
  let child: ChildProcess | undefined;
  let port: number;
  try {
    ({ child, port } = await spawnS3rver(0, dir.path));
  } catch (err) {
    await dir.remove();
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  let stopped = false;

  const kill = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c) return;
    c.kill('SIGKILL');
    await waitForExit(c);
  };
  const signal = (sig: NodeJS.Signals): void => {
    if (!child) throw new Error('the s3rver process is not running');
    child.kill(sig);
  };

  return {
    endpoint,
    region,
    accessKeyId: S3RVER_KEY,
    secretAccessKey: S3RVER_KEY,
    forcePathStyle: true,
    clientConfig: clientSettings(endpoint, region, S3RVER_KEY, S3RVER_KEY),
    external: false,
    dataDir: dir.path,
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      await dir.remove();
    },
    kill,
    async restart() {
      if (stopped) throw new Error('the server was stopped; start a new one');
      await kill();
      ({ child } = await spawnS3rver(port, dir.path));
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
  };
}

/**
 * A bucket name unique to this call (`<prefix>-<pid>-<random>`, lowercase, at most 63 characters),
 * valid for S3, MinIO and s3rver.
 */
export function uniqueBucketName(prefix = 'test'): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${clean || 'test'}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
