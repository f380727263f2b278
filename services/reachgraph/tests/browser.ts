import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { consoleAssetsDir } from '../src/api/ui.js';

/** Debian's Chromium, driven headless by playwright-core (issue 8). */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Where browser tests leave screenshots and downloads. */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/**
 * Launches Chromium for the console's browser tests, failing (never skipping) with what to do when
 * Chromium or the built console is missing.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does)`,
    );
  }
  const dist = consoleAssetsDir();
  if (!dist || !existsSync(`${dist}/index.html`)) {
    throw new Error(
      'the console is not built: run `pnpm --filter @stella-ops/console build` (pnpm test builds it)',
    );
  }
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
