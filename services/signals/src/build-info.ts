import { readFileSync } from 'node:fs';

/** What build this is: provenance records name it as `pipelineVersion` (contract §5.1). */
export interface BuildInfo {
  version: string;
  gitSha: string;
  /** `<version>+<git sha>`, e.g. `0.1.0+3f2a9c1d0b7e`. */
  pipelineVersion: string;
}

function readJson(url: URL): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The build info written by `scripts/write-build-info.mjs` at build time (`dist/build-info.json`);
 * from sources (tests, dev) the package version and `GIT_SHA`, or `dev`.
 */
export function readBuildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  const built = readJson(new URL('./build-info.json', import.meta.url));
  const pkg = readJson(new URL('../package.json', import.meta.url));
  const version = String(built?.['version'] ?? pkg?.['version'] ?? '0.0.0');
  const gitSha = String(built?.['gitSha'] ?? env['GIT_SHA'] ?? 'dev');
  return { version, gitSha, pipelineVersion: `${version}+${gitSha}`.slice(0, 128) };
}
