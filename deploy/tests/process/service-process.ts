import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const EXIT_REPORT = fileURLToPath(new URL('./exit-report.mjs', import.meta.url));

/** How a service process ended: exit code, handles still open at exit, when, and its stderr. */
export interface ExitReport {
  code: number | null;
  signal: NodeJS.Signals | null;
  /**
   * `process.getActiveResourcesInfo()` in the process's `exit` event: stdio pipes, timers and
   * sockets already destroyed (closing) left out.
   */
  openHandles: string[];
  /** Sockets not yet destroyed at exit, as `localPort->remotePort`. */
  sockets: string[];
  /** Milliseconds from {@link ServiceProcess.terminate} to the exit. */
  exitedAfterMs: number;
  stderr: string;
}

/** A service bin running as a real child process. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves when the process exits. */
  exited: Promise<ExitReport>;
  /** Sends SIGTERM and notes the time. */
  terminate(): void;
  /** SIGKILL if still running (clean-up). */
  kill(): void;
}

/** Runs `node <bin> <args>` with the exit-report preload, stdout ignored, stderr captured. */
export function startServiceProcess(
  bin: string,
  args: string[],
  env: Record<string, string>,
): ServiceProcess {
  const child = spawn(process.execPath, ['--import', EXIT_REPORT, bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  let termAt = 0;
  const exited = new Promise<ExitReport>((resolve) => {
    child.once('close', (code, signal) => {
      const line = /EXIT_REPORT (.*)\n/.exec(stderr)?.[1];
      const report = line
        ? (JSON.parse(line) as { resources: string[]; sockets: { peer: string; destroyed: boolean }[] })
        : { resources: ['<no report>'], sockets: [] };
      let closing = report.sockets.filter((s) => s.destroyed).length;
      const openHandles = report.resources.filter((r) => {
        if (['PipeWrap', 'TTYWrap', 'Timeout', 'Immediate'].includes(r)) return false;
        if (r === 'TCPSocketWrap' && closing > 0) {
          closing--;
          return false;
        }
        return true;
      });
      resolve({
        code,
        signal,
        openHandles,
        sockets: report.sockets.filter((s) => !s.destroyed).map((s) => s.peer),
        exitedAfterMs: termAt ? Date.now() - termAt : -1,
        stderr,
      });
    });
  });
  return {
    child,
    exited,
    terminate() {
      termAt = Date.now();
      child.kill('SIGTERM');
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Polls `GET url` until it answers 200; throws with the process's stderr when it exits first or
 * after `timeoutMs`.
 */
export async function waitUntilReady(
  url: string,
  service: ServiceProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    const { exitCode, signalCode } = service.child;
    if (exitCode !== null || signalCode !== null || Date.now() > until) {
      const report = await Promise.race([
        service.exited,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000)),
      ]);
      throw new Error(
        `${url} did not become ready (${last}); exit ${exitCode ?? signalCode}: ${report?.stderr ?? ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A request whose body is uploaded in pieces, slowly, on its own connection. */
export interface SlowRequest {
  /** Resolves once the request headers and first piece are on the wire. */
  started: Promise<void>;
  /** The response, once the whole body was sent and answered. */
  done: Promise<{ status: number; body: string }>;
}

/** POSTs `pieces` to `url`, waiting `intervalMs` between pieces (a slow client upload). */
export function slowPost(
  url: string,
  headers: Record<string, string>,
  pieces: Buffer[],
  intervalMs: number,
): SlowRequest {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((r) => {
    markStarted = r;
  });
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const send = async () => {
      for (const [i, piece] of pieces.entries()) {
        req.write(piece);
        if (i === 0) markStarted();
        await new Promise((r) => setTimeout(r, intervalMs));
      }
      req.end();
    };
    send().catch(reject);
  });
  return { started, done };
}

/** True when a new TCP connection to `host:port` is refused. */
export function connectionRefused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** Splits `text` into `n` roughly equal pieces. */
export function pieces(text: string, n: number): Buffer[] {
  const buf = Buffer.from(text);
  const size = Math.ceil(buf.length / n);
  return Array.from({ length: n }, (_, i) => buf.subarray(i * size, (i + 1) * size)).filter(
    (b) => b.length > 0,
  );
}
