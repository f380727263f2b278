import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
