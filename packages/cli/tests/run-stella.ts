import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Timeout of a test that runs the binary several times (Node start-up is slow on a loaded machine). */
export const SLOW = 180_000;

/** The built binary: `pnpm test` builds it (turbo) before jest runs. */
export const STELLA_BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** What a `stella` run did. */
export interface StellaRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/bin.js ...args` as a subprocess (asynchronously: the services it talks to run in
 * this process). The environment is only `env` plus PATH, so nothing leaks in from the shell.
 */
export function stella(
  args: string[],
  opts: { env?: Record<string, string>; input?: string | Buffer; cwd?: string } = {},
): Promise<StellaRun> {
  if (!existsSync(STELLA_BIN))
    throw new Error(`${STELLA_BIN} is missing: run pnpm turbo run build --filter @stella-ops/cli`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STELLA_BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...opts.env },
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end(opts.input ?? '');
  });
}

/** The `{error}` document `stella --json` writes to stderr on failure. */
export function errorOf(run: StellaRun): { code: string; exitCode: number; status?: number } {
  return (
    JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as { error: { code: string; exitCode: number } }
  ).error;
}

/**
 * Runs `stella` on a pseudo-terminal (util-linux `script`), so stdout and stderr are TTYs; both
 * arrive merged in `stdout`.
 */
export function stellaOnTty(args: string[], env: Record<string, string> = {}): Promise<StellaRun> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, STELLA_BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end();
  });
}
