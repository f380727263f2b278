import {
  type ClientOptions,
  createReachGraphClient,
  createSignalsClient,
  type ReachGraphClient,
  type SignalsClient,
} from '@stella-ops/client';
import type { Command } from 'commander';
import { usage } from './cli-error.js';
import type { CliIo } from './io/cli-io.js';
import { Output } from './io/output.js';

/** The options every command accepts (declared on the program). */
export interface GlobalOptions {
  json?: boolean;
  signalsUrl?: string;
  reachgraphUrl?: string;
  token?: string;
  timeout?: string;
  retries?: string;
  progress?: boolean;
}

/** What a command runs with: output, and clients made from the options and environment on demand. */
export interface CommandContext {
  io: CliIo;
  out: Output;
  /** Progress bars allowed (`--no-progress` turns them off; never with `--json`). */
  progress: boolean;
  signals(): SignalsClient;
  reachgraph(): ReachGraphClient;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usage(`${name} must be a non-negative integer, got ${value}`);
  return Number(value);
}

/** The context of the command `cmd` (global options read with `optsWithGlobals`). */
export function commandContext(io: CliIo, cmd: Command): CommandContext {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const out = new Output(io, opts.json === true);
  const env = io.env;
  const base = (service: 'signals' | 'reachgraph', url: string | undefined): ClientOptions => {
    const upper = service.toUpperCase();
    const baseUrl = url ?? env[`STELLA_${upper}_URL`];
    if (!baseUrl) {
      throw usage(`no ${service} URL: give --${service}-url or set STELLA_${upper}_URL`);
    }
    const token = opts.token ?? env[`STELLA_${upper}_TOKEN`] ?? env['STELLA_TOKEN'];
    const timeoutMs = positiveInt(opts.timeout, '--timeout');
    const retries = positiveInt(opts.retries, '--retries');
    return {
      baseUrl,
      userAgent: 'stella-cli/0.1.0',
      ...(token ? { token } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
    };
  };
  return {
    io,
    out,
    progress: opts.progress !== false && !out.json,
    signals: () => createSignalsClient(base('signals', opts.signalsUrl)),
    reachgraph: () => createReachGraphClient(base('reachgraph', opts.reachgraphUrl)),
  };
}
