import { Command, CommanderError } from 'commander';
import { toFailure } from './cli-error.js';
import { registerOffline } from './commands/offline.js';
import { registerReachGraph } from './commands/reachgraph.js';
import { registerSignals } from './commands/signals.js';
import { commandContext } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io/cli-io.js';

/** The version `stella --version` prints. */
export const CLI_VERSION = '0.1.0';

/** The `stella` command tree, writing to `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command('stella')
    .description('Stella Reach from a terminal: Signals and ReachGraph services, and offline tools')
    .version(CLI_VERSION)
    .option('--json', 'machine-readable JSON output')
    .option('--signals-url <url>', 'Signals base URL (env STELLA_SIGNALS_URL)')
    .option('--reachgraph-url <url>', 'ReachGraph base URL (env STELLA_REACHGRAPH_URL)')
    .option(
      '--token <token>',
      'bearer token (env STELLA_SIGNALS_TOKEN / STELLA_REACHGRAPH_TOKEN, then STELLA_TOKEN)',
    )
    .option('--timeout <ms>', 'per-attempt timeout in milliseconds', undefined)
    .option('--retries <n>', 'retries on 429/503 and network errors')
    .option('--no-progress', 'no progress bars')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 error, 2 usage, 3 verification failed or digest mismatch, 4 not found.\n\nExamples:\n  $ stella reachgraph slice blake3:9f2c… --cve CVE-2021-23337\n  $ stella digest graph.json\n',
    );
  const run = (cmd: Command) => commandContext(io, cmd);
  registerReachGraph(program, run);
  registerSignals(program, run);
  registerOffline(program, run);
  // Every subcommand reports like the program (exitOverride and output are not inherited).
  const visit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError();
      visit(sub);
    }
  };
  visit(program);
  return program;
}

function wantsJson(argv: string[]): boolean {
  return argv.includes('--json');
}

/** Runs `stella` with `argv` (without `node` and the script); resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        return EXIT.OK;
      }
      // commander printed the message already
      return EXIT.USAGE;
    }
    const failure = toFailure(err);
    if (wantsJson(argv)) {
      io.stderr.write(`${JSON.stringify({ error: failure })}\n`);
    } else {
      const details = (failure.details ?? []).map((d) => `  ${JSON.stringify(d)}`).join('\n');
      io.stderr.write(`stella: ${failure.code}: ${failure.message}\n${details ? `${details}\n` : ''}`);
    }
    return failure.exitCode;
  }
}
