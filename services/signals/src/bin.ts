#!/usr/bin/env node
import { gcCommand, migrateCommand, tenantCommand } from './commands/admin.js';
import { serve } from './commands/serve.js';
import { ConfigError } from './config/config-error.js';

const USAGE = 'usage: stella-signals serve | migrate | tenant add|list|remove | gc [--dry-run]';
const [command, ...args] = process.argv.slice(2);
const print = (line: string) => process.stdout.write(`${line}\n`);
const commands: Record<string, () => Promise<number | undefined>> = {
  serve: async () => {
    await serve();
    return undefined; // keeps running until SIGTERM
  },
  migrate: () => migrateCommand(process.env, print),
  tenant: () => tenantCommand(args, process.env, print),
  gc: () => gcCommand(args, process.env, print),
};
const run = commands[command ?? ''];
if (!run) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
run().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: unknown) => {
    const msg =
      err instanceof ConfigError
        ? `configuration error: ${err.message}`
        : String((err as Error)?.stack ?? err);
    process.stderr.write(`${msg}\n`);
    process.exit(1);
  },
);
