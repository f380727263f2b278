import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthenticator } from '@stella-ops/service-kit';
import { parse as parseYaml } from 'yaml';
import { envToCfg, readEnv } from '../../services/reachgraph/src/config.js';
import { resolveConfig, resolveStorageConfig } from '../../services/signals/src/config/resolve-config.js';
import { REPO, readRepo, SIGNALS_ENV_NAMES } from './repo.js';

interface ComposeService {
  image: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  stop_grace_period?: string;
}

const COMPOSE_DIR = join(REPO, 'deploy/compose');
const compose = parseYaml(readRepo('deploy/compose/docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const OURS = ['signals', 'signals-migrate', 'signals-tenant', 'reachgraph', 'reachgraph-migrate'];

/** The container paths a service mounts from a named volume, mapped to where a test put the files. */
function remap(env: Record<string, string>, service: ComposeService, volumeDirs: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    let value = v;
    for (const spec of service.volumes ?? []) {
      const [source, target] = spec.split(':') as [string, string];
      if (volumeDirs[source]) value = value.split(`${target}/`).join(`${volumeDirs[source]}/`);
    }
    out[k] = value;
  }
  return out;
}

describe('deploy/compose/docker-compose.yml', () => {
  let keys: string;
  beforeAll(() => {
    keys = mkdtempSync(join(tmpdir(), 'compose-keys-'));
    execFileSync(process.execPath, [join(COMPOSE_DIR, 'dev-keys.mjs'), keys, 'demo'], { stdio: 'pipe' });
  });
  afterAll(() => rmSync(keys, { recursive: true, force: true }));

  it('runs MinIO, PostgreSQL, Valkey, both services and their migrations', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'dev-keys',
        'minio',
        'minio-init',
        'postgres',
        'reachgraph',
        'reachgraph-migrate',
        'signals',
        'signals-migrate',
        'signals-tenant',
        'valkey',
      ].sort(),
    );
    expect(services['signals-migrate']!.command).toEqual(['migrate']);
    expect(services['reachgraph-migrate']!.command).toEqual(['migrate']);
    for (const name of ['postgres', 'minio', 'valkey', 'signals', 'reachgraph']) {
      expect([name, services[name]!.healthcheck?.test[0]]).toEqual([name, 'CMD']);
    }
  });

  it('builds each service image from its Dockerfile and pins third-party images to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      const [repo, tag] = s.image.split(/:(?=[^/]+$)/);
      expect([name, tag && tag !== 'latest']).toEqual([name, true]);
      if (repo!.startsWith('ghcr.io/stella-ops/')) {
        const builder = Object.values(services).find((o) => o.image === s.image && o.build);
        expect([name, builder?.build?.dockerfile]).toEqual([
          name,
          expect.stringMatching(/^deploy\/docker\//),
        ]);
        expect(existsSync(join(COMPOSE_DIR, builder!.build!.context, builder!.build!.dockerfile))).toBe(true);
      }
    }
  });

  it('starts things in order: healthy stores, then completed one-shots, then the services', () => {
    const oneShots = new Set([
      'minio-init',
      'dev-keys',
      'signals-migrate',
      'signals-tenant',
      'reachgraph-migrate',
    ]);
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect([name, dep, dep in services]).toEqual([name, dep, true]);
        const expected = oneShots.has(dep) ? 'service_completed_successfully' : 'service_healthy';
        expect([name, dep, condition]).toEqual([name, dep, expected]);
        if (expected === 'service_healthy') expect(services[dep]!.healthcheck).toBeDefined();
      }
    }
    // No cycles: a topological order exists.
    const done = new Set<string>();
    let progress = true;
    while (progress) {
      progress = false;
      for (const [name, s] of Object.entries(services)) {
        if (!done.has(name) && Object.keys(s.depends_on ?? {}).every((d) => done.has(d))) {
          done.add(name);
          progress = true;
        }
      }
    }
    expect(done.size).toBe(Object.keys(services).length);
    const deps = (n: string) => Object.keys(services[n]!.depends_on ?? {});
    expect(deps('signals')).toEqual(expect.arrayContaining(['minio-init', 'dev-keys', 'signals-tenant']));
    expect(deps('signals-tenant')).toEqual(['signals-migrate']);
    expect(deps('reachgraph')).toEqual(
      expect.arrayContaining(['valkey', 'reachgraph-migrate', 'dev-keys', 'signals']),
    );
  });

  it('runs our containers as uid 1000 with a read-only root filesystem and no capabilities', () => {
    for (const name of OURS) {
      const s = services[name]!;
      expect([name, s.user, s.read_only, s.cap_drop]).toEqual([name, '1000:1000', true, ['ALL']]);
    }
    for (const name of ['signals', 'reachgraph']) expect(services[name]!.stop_grace_period).toBe('30s');
  });

  it('gives Signals only settings its reader accepts, and they resolve with the generated keys', async () => {
    const etc = parseYaml(readRepo('services/signals/etc/signals.yaml')) as unknown;
    for (const name of ['signals', 'signals-migrate', 'signals-tenant']) {
      const s = services[name]!;
      for (const k of Object.keys(s.environment ?? {}))
        expect([k, SIGNALS_ENV_NAMES.has(k)]).toEqual([k, true]);
      // The image holds etc/signals.yaml at /app/etc (pnpm deploy copies the package's files).
      expect(s.environment!['SIGNALS_CONFIG']).toBe('/app/etc/signals.yaml');
      const env = remap(s.environment!, s, { 'dev-keys': keys });
      if (name === 'signals') {
        const cfg = resolveConfig(etc, env);
        expect(cfg.http.port).toBe(8080);
        expect(services[name]!.ports).toEqual([`127.0.0.1:${cfg.http.port}:${cfg.http.port}`]);
        expect(cfg.signing.privateKeyPem).toContain('PRIVATE KEY');
        expect(cfg.cas.backend).toMatchObject({
          kind: 's3',
          bucket: 'signals',
          endpoint: 'http://minio:9000',
        });
        expect(services['minio-init']!.command!.join(' ')).toContain(`local/${cfg.cas.bucket}`);
        // The dev tokens dev-keys minted are accepted by Signals' authenticator.
        const tokens = Object.fromEntries(
          readFileSync(join(keys, 'tokens.env'), 'utf8')
            .trim()
            .split('\n')
            .map((l) => l.split('=') as [string, string]),
        );
        const auth = await createAuthenticator(cfg.auth);
        const p = await auth.authenticate(`Bearer ${tokens['SCANNER_WORKER_TOKEN']}`);
        expect([p.principal, p.tenant, [...p.scopes]]).toEqual(['scanner-worker', 'demo', ['signals:write']]);
        expect(services['signals-tenant']!.command).toEqual(['tenant', 'add', p.tenant, 'Demo tenant']);
      } else {
        expect(resolveStorageConfig(etc, env).db.url).toBe(env['SIGNALS_DATABASE_URL']);
      }
    }
  });

  it('gives ReachGraph only REACHGRAPH_* variables its reader knows, and they resolve with the generated keys', async () => {
    const s = services['reachgraph']!;
    const env = { ...s.environment! };
    for (const k of Object.keys(env))
      expect([k, Object.keys(readEnv({ [k]: env[k] })).length]).toEqual([k, 1]);
    // The entrypoint reads the token keys dev-keys wrote into the volume.
    const script = s.command!.join(' ');
    const file = /\$\$\(cat ([^)]+)\)/.exec(script)![1]!;
    expect(script).toContain('REACHGRAPH_AUTH_PUBLIC_KEYS=');
    expect(script).toContain('exec /usr/bin/tini -- node /app/dist/bin.js serve');
    const local = remap({ file }, s, { 'dev-keys': keys })['file']!;
    const cfg = envToCfg(readEnv({ ...env, REACHGRAPH_AUTH_PUBLIC_KEYS: readFileSync(local, 'utf8') }));
    expect(s.ports).toEqual([`127.0.0.1:${cfg.service.port}:${cfg.service.port}`]);
    expect(cfg.signalsUrl).toBe('http://signals:8080');
    expect(cfg.redis?.url).toBe('redis://valkey:6379');
    const token = /POLICY_ENGINE_TOKEN=(\S+)/.exec(readFileSync(join(keys, 'tokens.env'), 'utf8'))![1]!;
    const p = await (await createAuthenticator(cfg.auth)).authenticate(`Bearer ${token}`);
    expect([p.principal, p.tenant, p.scopes.has('reachgraph:read')]).toEqual(['policy-engine', 'demo', true]);
    const migrate = readEnv(services['reachgraph-migrate']!.environment!);
    expect(migrate.migrateDatabaseUrl).toContain('//reachgraph:');
  });

  it('creates in postgres-init.sql every database and role the URLs use, with their passwords', () => {
    const sql = readRepo('deploy/compose/postgres-init.sql');
    const urls = [
      services['signals']!.environment!['SIGNALS_DATABASE_URL']!,
      services['reachgraph']!.environment!['REACHGRAPH_DATABASE_URL']!,
      services['reachgraph']!.environment!['REACHGRAPH_MIGRATE_DATABASE_URL']!,
    ];
    for (const raw of urls) {
      const url = new URL(raw);
      expect(url.host).toBe('postgres:5432');
      expect(sql).toContain(`create role ${url.username} login password '${url.password}'`);
      expect(sql).toContain(`create database ${url.pathname.slice(1)} owner `);
    }
    // The app role cannot bypass row-level security.
    expect(sql).toMatch(/create role reachgraph_app [^;]*nosuperuser nobypassrls/);
  });
});
