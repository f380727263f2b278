import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { TenantRegistry } from '../src/access/tenant-registry.js';
import { createApp } from '../src/app.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { createAppContext } from '../src/context.js';
import { rootLogger } from '../src/logger.js';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let graphId: string;
let batchId: string;
let digest: string;

beforeAll(async () => {
  h = await startHarness();
  const g = await request(h.app)
    .post('/signals/callgraphs')
    .set('Authorization', await h.auth('scanner-worker'))
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson(callgraphRecords(3)));
  ({ graphId, digest } = g.body);
  const b = await request(h.app)
    .post(`/signals/runtime-facts?callgraphId=${graphId}&source=a`)
    .set('Authorization', await h.auth('runtime-agent'))
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson([fact(1)]));
  batchId = b.body.provenance.batchId;
});
afterAll(() => h?.stop());

type Route = { name: string; send: (auth: string) => request.Test };
const routes = (): Route[] => [
  {
    name: 'POST callgraphs',
    send: (a) =>
      request(h.app)
        .post('/signals/callgraphs')
        .set('Authorization', a)
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson(callgraphRecords(2))),
  },
  {
    name: 'POST runtime-facts',
    send: (a) =>
      request(h.app)
        .post(`/signals/runtime-facts?callgraphId=${graphId}&source=a`)
        .set('Authorization', a)
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson([fact(2)])),
  },
  {
    name: 'GET callgraph',
    send: (a) => request(h.app).get(`/signals/callgraphs/${graphId}`).set('Authorization', a),
  },
  {
    name: 'GET manifest',
    send: (a) => request(h.app).get(`/signals/callgraphs/${graphId}/manifest`).set('Authorization', a),
  },
  {
    name: 'GET by-purl',
    send: (a) =>
      request(h.app).get('/signals/callgraphs/by-purl/pkg%3Anpm%2Fleft-pad').set('Authorization', a),
  },
  {
    name: 'GET by-digest',
    send: (a) => request(h.app).get(`/signals/callgraphs/by-digest/${digest}`).set('Authorization', a),
  },
  {
    name: 'GET batch',
    send: (a) => request(h.app).get(`/signals/runtime-facts/${batchId}`).set('Authorization', a),
  },
  {
    name: 'GET provenance',
    send: (a) => request(h.app).get(`/signals/runtime-facts/${batchId}/provenance`).set('Authorization', a),
  },
  {
    name: 'GET feed',
    send: (a) => request(h.app).get('/signals/runtime-facts/ndjson').set('Authorization', a),
  },
  {
    name: 'POST verify',
    send: (a) =>
      request(h.app)
        .post('/signals/verify')
        .set('Authorization', a)
        .set('Content-Type', 'application/json')
        .send({ envelope: { payload: '', payloadType: 'x', signatures: [] } }),
  },
];

// §3.2 + DESIGN §5a: who may call what. Everything else answers 403.
const ALLOWED: Record<string, string[]> = {
  'scanner-worker': ['POST callgraphs'],
  'runtime-agent': ['POST runtime-facts'],
  'policy-engine': [
    'GET callgraph',
    'GET manifest',
    'GET by-purl',
    'GET by-digest',
    'GET batch',
    'GET provenance',
    'GET feed',
    'POST verify',
  ],
};
ALLOWED['audit-service'] = ALLOWED['policy-engine'] as string[];
ALLOWED['reachgraph-service'] = ALLOWED['policy-engine'] as string[];

describe('access (contract §3.2)', () => {
  const matrix: [string, string][] = [];
  for (const principal of [...Object.keys(ALLOWED), 'web-console', 'signals-admin']) {
    for (const route of routes()) matrix.push([principal, route.name]);
  }

  it.each(matrix)('%s → %s', async (principal, routeName) => {
    const route = routes().find((r) => r.name === routeName) as Route;
    // Each role gets the scope it would need; a principal outside the table gets every scope.
    const scope = ALLOWED[principal] ? undefined : 'signals:read signals:write signals:admin';
    const res = await route.send(await h.auth(principal, scope ? { scope } : {}));
    if (ALLOWED[principal]?.includes(routeName)) {
      expect(res.status).not.toBe(403);
      expect(res.status).not.toBe(401);
    } else {
      expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
    }
  });

  it('needs the scope as well as the principal', async () => {
    const res = await routes()[2]?.send(await h.auth('policy-engine', { scope: 'signals:write' }));
    expect([res?.status, res?.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('answers 401 without a valid token', async () => {
    const none = await request(h.app).get(`/signals/callgraphs/${graphId}`);
    expect([none.status, none.body.code]).toEqual([401, 'UNAUTHORIZED']);
    const forged = await request(h.app)
      .get(`/signals/callgraphs/${graphId}`)
      .set('Authorization', 'Bearer a.b.c');
    expect(forged.status).toBe(401);
  });

  it('answers 403 TENANT_UNKNOWN for a tenant missing from the registry (§10.4)', async () => {
    const res = await routes()[2]?.send(await h.auth('policy-engine', { tenant: 'ghost' }));
    expect([res?.status, res?.body.code]).toEqual([403, 'TENANT_UNKNOWN']);
    const write = await routes()[0]?.send(await h.auth('scanner-worker', { tenant: 'ghost' }));
    expect([write?.status, write?.body.code]).toEqual([403, 'TENANT_UNKNOWN']);
  });

  it('stops serving a tenant as soon as it is removed (cache TTL 0)', async () => {
    const registry = new TenantRegistry(h.ctx.db, 0);
    await registry.add('short-lived');
    const auth = await h.auth('policy-engine', { tenant: 'short-lived' });
    expect(
      (await request(h.app).get('/signals/runtime-facts/ndjson').set('Authorization', auth)).status,
    ).toBe(200);
    await registry.remove('short-lived');
    const res = await request(h.app).get('/signals/runtime-facts/ndjson').set('Authorization', auth);
    expect(res.body.code).toBe('TENANT_UNKNOWN');
  });

  it('publishes the verification keys without authentication', async () => {
    const res = await request(h.app).get('/signals/keys');
    expect(res.status).toBe(200);
    expect(res.body.keys[0]).toMatchObject({
      keyId: 'signals-test-2025',
      current: true,
      publicKeyPem: h.signingPublicKeyPem,
    });
  });
});

describe('static dev tokens', () => {
  it('work only when explicitly enabled, with a warning in the log', async () => {
    const lines: string[] = [];
    const sink = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
    const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = 'dev-token-0123456789abcdef';
    const dir = await mkdtemp(join(tmpdir(), 'signals-dev-'));
    const cfg = resolveConfig({
      Signals: {
        Database: { Url: h.cfg.db.url },
        CAS: { Backend: 'fs', Path: dir },
        Signing: { KeyPem: String(signing.privateKey.export({ type: 'pkcs8', format: 'pem' })) },
        Auth: {
          DevTokensEnabled: true,
          DevTokens: [
            { Token: token, Principal: 'policy-engine', Tenant: 'tenant-a', Scopes: ['signals:read'] },
          ],
        },
        Tenants: { CacheTtlMs: 0 },
      },
    });
    const ctx = await createAppContext(cfg, { logger: rootLogger('info', sink) });
    try {
      const res = await request(createApp(ctx))
        .get('/signals/callgraphs/by-purl/pkg%3Anpm%2Fnothing-here')
        .set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(lines.join('')).toMatch(/dev tokens are ENABLED/);
    } finally {
      await ctx.destroy();
      await rm(dir, { recursive: true, force: true });
    }
    expect(() =>
      resolveConfig({
        Signals: {
          Database: { Url: h.cfg.db.url },
          Provenance: { Enabled: false },
          Auth: { DevTokens: [{ Token: token, Principal: 'p', Tenant: 't', Scopes: [] }] },
        },
      }),
    ).toThrow(/Signals\.Auth\.JwksUrl/);
  });
});
