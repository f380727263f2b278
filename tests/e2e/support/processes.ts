import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A service's built command (`services/<name>/dist/bin.js`). */
export function serviceBin(name: 'signals' | 'reachgraph'): string {
  return fileURLToPath(new URL(`../../../services/${name}/dist/bin.js`, import.meta.url));
}

/** True when both services are built (the e2e suite runs the deployable commands, not sources). */
export function servicesBuilt(): boolean {
  return existsSync(serviceBin('signals')) && existsSync(serviceBin('reachgraph'));
}

/** A running service process and what it wrote to stderr. */
export interface ServiceProcess {
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Runs `node <bin> <args>` to completion (migrations, admin commands); rejects on a non-zero exit. */
export async function runCommand(bin: string, args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await exited(child);
  if (code !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${code}: ${out}`);
  return out;
}

/** Starts `node <bin> serve` and waits until `readyUrl` answers 200 (at most 60 s: the whole suite may be loading the machine). */
export async function startService(
  bin: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const proc: ServiceProcess = {
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${bin} serve exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(readyUrl)).status === 200) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await proc.stop();
  throw new Error(`${bin} serve did not become ready: ${stderr}`);
}
