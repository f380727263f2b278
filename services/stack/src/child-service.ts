import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A service bin (`dist/bin.js`) run as its own process, its output appended to a log file. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  /** SIGTERM, then waits for a clean exit (SIGKILL after `graceMs`). Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** Sends SIGTERM without waiting (for a stack that is exiting abnormally). */
  terminate(): void;
}

export interface ServiceCommand {
  name: string;
  /** Absolute path of the service's `dist/bin.js`. */
  bin: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
}

function openLog(file: string): WriteStream {
  return createWriteStream(file, { flags: 'a' });
}

function run(cmd: ServiceCommand, log: WriteStream): ChildProcess {
  // A process group of its own: Ctrl-C at the terminal reaches only the stack, which then stops the
  // services in order (ReachGraph, Signals, PostgreSQL) instead of all at once.
  const child = spawn(process.execPath, [cmd.bin, ...cmd.args], {
    env: cmd.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  return child;
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** Runs a one-shot command (e.g. `migrate`) to completion; a non-zero exit throws with the log's tail. */
export async function runToCompletion(cmd: ServiceCommand): Promise<void> {
  const log = openLog(cmd.logFile);
  try {
    const code = await exitOf(run(cmd, log));
    if (code !== 0) {
      throw new Error(
        `${cmd.name} ${cmd.args.join(' ')} failed (exit ${code}); from ${cmd.logFile}:\n${await tail(cmd.logFile)}`,
      );
    }
  } finally {
    log.end();
  }
}

/**
 * Starts a long-running service and waits until `GET {url}/readyz` answers 200. If the process
 * exits first, or readiness takes longer than `readyTimeoutMs`, it is stopped and the error carries
 * the tail of its log.
 */
export async function startService(
  cmd: ServiceCommand,
  url: string,
  readyTimeoutMs = 60_000,
): Promise<ServiceProcess> {
  const log = openLog(cmd.logFile);
  const child = run(cmd, log);
  let exited = false;
  const exit = exitOf(child).then((code) => {
    exited = true;
    log.end();
    return code;
  });
  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (!exited) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exit;
    } finally {
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (!exited) {
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return { name: cmd.name, url, stop, terminate: () => exited || child.kill('SIGTERM') };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${cmd.name} was not ready after ${readyTimeoutMs} ms; from ${cmd.logFile}:\n${await tail(cmd.logFile)}`,
      );
    }
    await sleep(200);
  }
  throw new Error(
    `${cmd.name} exited during start-up (exit ${await exit}); from ${cmd.logFile}:\n${await tail(cmd.logFile)}`,
  );
}
