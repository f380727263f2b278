#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printBanner } from './banner.js';
import { loadDemo } from './demo.js';
import { readSettings } from './settings.js';
import { startStack } from './stack.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

async function main(): Promise<void> {
  const settings = readSettings(repoRoot);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stack = await startStack(settings, (step) => say(`· ${step}`));

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (stopping) return;
    say(`\n${signal}: stopping ReachGraph, Signals and PostgreSQL…`);
    stopping = stack.stop().then(
      () => {
        say('stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    const demo = settings.loadDemo ? await loadDemo(stack, settings, (step) => say(`· ${step}`)) : undefined;
    printBanner(stack, settings, demo, say);
  } catch (err) {
    process.stderr.write(
      `\nthe demo could not be loaded: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    await stack.stop();
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`stella-stack: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
