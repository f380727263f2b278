// Writes dist/build-info.json at build time: the package version and the git commit, so every
// provenance record names the exact build (pipelineVersion) without reading a clock.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let gitSha = process.env.GIT_SHA;
if (!gitSha) {
  try {
    gitSha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    gitSha = 'unknown';
  }
}
writeFileSync(
  new URL('../dist/build-info.json', import.meta.url),
  `${JSON.stringify({ version: pkg.version, gitSha }, null, 2)}\n`,
);
