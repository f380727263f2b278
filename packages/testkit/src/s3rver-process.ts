import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('../scripts/s3rver-runner.cjs', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a test that forgot stop(): never leave an s3rver behind.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Starts `node --openssl-legacy-provider s3rver-runner.cjs <port> <dir>` and resolves once it
 * listens (port 0 picks a free port; the actual one is returned).
 */
export function spawnS3rver(port: number, directory: string): Promise<{ child: ChildProcess; port: number }> {
  installExitHook();
  const child = spawn(process.execPath, ['--openssl-legacy-provider', RUNNER, String(port), directory], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`s3rver did not start: ${why}${stderr ? `\n${stderr}` : ''}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 65_536) stderr += d.toString();
    });
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /S3RVER_READY (\d+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.once('exit', () => live.delete(child));
      stdout = '';
      // A forgotten server must not keep jest alive; the exit hook and the runner's parent
      // watch still end it.
      child.unref();
      (child.stdout as unknown as Socket).unref();
      (child.stderr as unknown as Socket).unref();
      resolve({ child, port: Number(m[1]) });
    });
  });
}

/** Resolves when `child` has exited. */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
