import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../../services/signals/src/config/settings.js';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A repository file's text. */
export const readRepo = (path: string): string => readFileSync(join(REPO, path), 'utf8');

/** Every environment variable the Signals configuration reader looks at. */
export const SIGNALS_ENV_NAMES: ReadonlySet<string> = new Set([
  'SIGNALS_CONFIG',
  ...SETTINGS.flatMap((s) => [...s.env]),
]);

/** A throwaway PKCS#8 ECDSA P-256 private key (for resolving configurations that need one). */
export function testSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

/** Realistic stand-ins for values that come from Secrets, by the variable they fill. */
export const SECRET_STAND_INS: Readonly<Record<string, string>> = {
  SIGNALS_DATABASE_URL: 'postgres://signals:secret@postgres.db:5432/signals',
  SIGNALS_S3_ACCESS_KEY_ID: 'signals-service',
  SIGNALS_S3_SECRET_ACCESS_KEY: 'secret-access-key',
  REACHGRAPH_DATABASE_URL: 'postgres://reachgraph_app:secret@postgres.db:5432/reachgraph',
  REACHGRAPH_MIGRATE_DATABASE_URL: 'postgres://reachgraph:secret@postgres.db:5432/reachgraph',
  REACHGRAPH_REDIS_URL: 'rediss://valkey.cache:6379',
};

/** A workspace package: its directory (relative to the root) and package.json. */
export interface WorkspacePackage {
  dir: string;
  json: {
    name: string;
    version: string;
    private?: boolean;
    bin?: Record<string, string>;
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    [field: string]: unknown;
  };
}

/** Every package of the pnpm workspace (`packages/*`, `services/*`), by name. */
export function workspacePackages(): Map<string, WorkspacePackage> {
  const out = new Map<string, WorkspacePackage>();
  for (const parent of ['packages', 'services']) {
    for (const entry of readdirSync(join(REPO, parent), { withFileTypes: true })) {
      const file = join(REPO, parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as WorkspacePackage['json'];
      out.set(json.name, { dir: `${parent}/${entry.name}`, json });
    }
  }
  return out;
}

/**
 * A package and the workspace packages it depends on, transitively: `dependencies` only, or with
 * `devDependencies` at every level (`dev`, the graph turbo's `^build` follows).
 */
export function workspaceClosure(name: string, dev: boolean): Set<string> {
  const all = workspacePackages();
  const seen = new Set<string>();
  const visit = (n: string) => {
    const pkg = all.get(n);
    if (seen.has(n) || !pkg) return;
    seen.add(n);
    const deps = { ...pkg.json.dependencies, ...(dev ? pkg.json.devDependencies : {}) };
    for (const [dep, range] of Object.entries(deps)) if (range.startsWith('workspace:')) visit(dep);
  };
  visit(name);
  return seen;
}
