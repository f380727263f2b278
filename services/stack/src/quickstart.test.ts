import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, cp, mkdir, readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, tmpDir } from '@stella-ops/testkit';

// The quick start as a new user runs it: a clean copy of the repository (what `git clone` gives),
// `pnpm install`, then README command 1 (`pnpm start`) with nothing else running for it.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function cleanCopyFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return out.split('\0').filter(Boolean);
}

async function copyRepo(to: string): Promise<void> {
  for (const file of cleanCopyFiles()) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await cp(join(repoRoot, file), join(to, file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // deleted in the working tree but still in the index
    });
  }
  // Compiling the workspace from scratch is what command 2 does first (`turbo run build`); here the
  // copy reuses that build through turbo's cache, so this test times the start-up, not a compile.
  await cp(join(repoRoot, '.turbo/cache'), join(to, '.turbo/cache'), { recursive: true }).catch(() => {});
}

/** Ctrl-C at a terminal: SIGINT to every process of the foreground process group. */
function ctrlC(child: ChildProcess): void {
  if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
}

/** A PostgreSQL left running by a failed run (it runs in a session of its own): fast shutdown. */
async function stopLeftoverPostgres(dataDir: string): Promise<void> {
  const pidFile = await readFile(join(dataDir, 'postgres/postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(pidFile.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}:\n${output()}`)),
      timeoutMs,
    );
    const check = () => {
      if (pattern.test(output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pnpm start exited with ${code} before ${pattern}:\n${output()}`));
    });
  });
}

async function waitForText(pattern: RegExp, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once('exit', (code) => resolve(code)),
  );

describe('the quick start (README command 1)', () => {
  let workdir: { path: string; remove(): Promise<void> };
  let start: ChildProcess | undefined;

  beforeAll(async () => {
    workdir = await tmpDir('stella-quickstart-');
    // Like a checkout in a home directory others may enter (as root, PostgreSQL runs as `postgres`).
    await chmod(workdir.path, 0o755);
  });

  afterAll(async () => {
    if (start?.pid !== undefined && start.exitCode === null) {
      try {
        process.kill(-start.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await stopLeftoverPostgres(join(workdir.path, 'stella-reach/.data'));
    await workdir.remove();
  });

  it('starts both services on a clean copy with nothing configured, answers the demo CVE, and stops cleanly on Ctrl-C', async () => {
    const clone = join(workdir.path, 'stella-reach');
    await copyRepo(clone);
    execFileSync('pnpm', ['install', '--frozen-lockfile', '--offline', '--reporter=silent'], {
      cwd: clone,
      stdio: 'inherit',
      env: { ...process.env, CI: 'true' },
    });

    const [signalsPort, reachgraphPort, pgPort] = [await freePort(), await freePort(), await freePort()];
    let output = '';
    start = spawn('pnpm', ['start'], {
      cwd: clone,
      env: {
        ...process.env,
        STELLA_SIGNALS_PORT: String(signalsPort),
        STELLA_REACHGRAPH_PORT: String(reachgraphPort),
        STELLA_PG_PORT: String(pgPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, like a shell job, so Ctrl-C can be sent to the group
    });
    start.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    start.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitForOutput(start, /Press Ctrl-C to stop everything/, () => output, 360_000);

    // What it printed: the URLs, a token to use, and the answer for the demo CVE.
    expect(output).toContain(`http://127.0.0.1:${signalsPort}/signals`);
    expect(output).toContain(`http://127.0.0.1:${reachgraphPort}/v1/reachgraphs`);
    expect(output).toMatch(/export STELLA_TOKEN=ey/);
    expect(output).toMatch(/CVE-2021-23337 is REACHABLE/);
    expect(output).toMatch(/renderCustomTemplate/);
    expect(output).toMatch(/CUSTOM_REPORTS=enabled/);

    // The state is under .data/ of the clone, and the printed graph answers the CVE slice.
    const demo = JSON.parse(await readFile(join(clone, '.data/demo.json'), 'utf8')) as {
      graphDigest: string;
    };
    const token = /export STELLA_TOKEN=(\S+)/.exec(
      await readFile(join(clone, '.data/tokens.env'), 'utf8'),
    )?.[1];
    const res = await fetch(
      `http://127.0.0.1:${reachgraphPort}/v1/reachgraphs/${demo.graphDigest}/slice?cve=CVE-2021-23337`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status).toBe(200);
    const slice = (await res.json()) as {
      verdict: string;
      nodes: { id: string; symbol?: string }[];
      paths: { hops: { to: string; why: { type: string; guard?: string } }[] }[];
    };
    expect(slice.verdict).toBe('gated'); // every path passes a feature flag
    const symbols = new Map(slice.nodes.map((n) => [n.id, n.symbol]));
    const chains = slice.paths.map((p) => p.hops.map((h) => symbols.get(h.to)));
    expect(chains.some((c) => c.includes('renderCustomTemplate') && c.at(-1) === 'template')).toBe(true);

    // Ctrl-C stops everything: the stack reports a clean stop (pnpm itself just dies of the SIGINT,
    // as it does at a terminal) and nothing listens any more.
    ctrlC(start);
    await exitOf(start);
    await waitForText(/^stopped\.$/m, () => output, 60_000);
    expect(output).not.toMatch(/error while stopping/);
    for (const port of [signalsPort, reachgraphPort, pgPort]) expect(await portIsOpen(port)).toBe(false);
  }, 480_000);
});
