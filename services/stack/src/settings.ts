import { isAbsolute, join, resolve } from 'node:path';

/** Where the stack keeps its state and which ports it listens on; every value has an env override. */
export interface StackSettings {
  /** Repository root: examples and the service bins are found from here. */
  repoRoot: string;
  /** `.data/` by default: PostgreSQL data, blobs, keys, logs. */
  dataDir: string;
  signalsPort: number;
  reachgraphPort: number;
  postgresPort: number;
  /** Host the services bind to (loopback unless told otherwise). */
  host: string;
  /** Tenant the demo data is loaded into and tokens are minted for. */
  tenant: string;
  /** Load `examples/orders-api` and print the CVE answer (off: just run the services). */
  loadDemo: boolean;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}: not a port number: ${raw}`);
  return n;
}

/** Reads `STELLA_*` settings with the embedded defaults. */
export function readSettings(repoRoot: string, env: NodeJS.ProcessEnv = process.env): StackSettings {
  const dataDir = env['STELLA_DATA_DIR'] || join(repoRoot, '.data');
  return {
    repoRoot,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(repoRoot, dataDir),
    signalsPort: port(env, 'STELLA_SIGNALS_PORT', 8081),
    reachgraphPort: port(env, 'STELLA_REACHGRAPH_PORT', 8082),
    postgresPort: port(env, 'STELLA_PG_PORT', 54329),
    host: env['STELLA_HOST'] || '127.0.0.1',
    tenant: env['STELLA_TENANT'] || 'demo',
    loadDemo: env['STELLA_DEMO'] !== '0' && env['STELLA_DEMO'] !== 'false',
  };
}
