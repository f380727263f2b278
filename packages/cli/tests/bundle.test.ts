import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReachGraphClient, createSignalsClient } from '@stella-ops/client';
import type { EvidenceBundle } from '@stella-ops/graph';
import { callgraphRecords, fact, ndjson } from '../../../services/signals/tests/fixtures.js';
import { type RunningServices, startServices } from '../../client/tests/services.js';
import { errorOf, SLOW, stella } from './run-stella.js';

const CVE = 'CVE-2099-0007';
let svc: RunningServices;
let dir: string;
let rgEnv: Record<string, string>;
let digest: string;
let good: EvidenceBundle;
const keys = () => ['--key', join(dir, 'reachgraph.pem'), '--key', join(dir, 'signals.pem')];
const bundlePath = () => join(dir, 'bundle.json');

/** Builds a graph from a call graph and a batch pushed to Signals, through ReachGraph's build. */
beforeAll(async () => {
  svc = await startServices('cli_bundle');
  dir = await mkdtemp(join(tmpdir(), 'stella-cli-bundle-'));
  rgEnv = { STELLA_REACHGRAPH_URL: svc.reachgraphUrl, STELLA_TOKEN: await svc.reachgraphToken() };
  const purl = 'pkg:npm/%40acme/bundle@1.0.0';
  const scanner = createSignalsClient({
    baseUrl: svc.signalsUrl,
    token: await svc.signalsToken('scanner-worker'),
  });
  const records = callgraphRecords(4).map((r) => (r['type'] === 'node' ? { ...r, purl } : r));
  const manifest = await scanner.pushCallgraph(ndjson(records));
  const agent = createSignalsClient({
    baseUrl: svc.signalsUrl,
    token: await svc.signalsToken('runtime-agent'),
  });
  const pushed = await agent.pushRuntimeFacts([fact(1), fact(2)], {
    callgraphId: manifest.graphId,
    source: 'web-1',
  });
  const rg = createReachGraphClient({ baseUrl: svc.reachgraphUrl, token: await svc.reachgraphToken() });
  const built = await rg.build({
    callgraphId: manifest.graphId,
    runtimeFactBatchIds: [pushed.provenance.batchId],
    sinks: [{ cve: CVE, purl, symbol: 'fn3' }],
    artifact: { name: 'acme/bundle', digest: `sha256:${'be'.repeat(32)}` },
  });
  digest = built.digest;
  await writeFile(join(dir, 'reachgraph.pem'), svc.reachgraphSigningKeyPem);
  await writeFile(join(dir, 'signals.pem'), svc.signals.signingPublicKeyPem);
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(join(dir, 'other.pem'), String(other.publicKey.export({ type: 'spki', format: 'pem' })));
  const run = await stella(
    ['reachgraph', 'bundle', digest, '--cve', CVE, '--include-graph', '-o', bundlePath()],
    { env: rgEnv },
  );
  if (run.code !== 0) throw new Error(`stella reachgraph bundle failed: ${run.stderr}`);
  good = JSON.parse(await readFile(bundlePath(), 'utf8')) as EvidenceBundle;
}, SLOW);

afterAll(async () => {
  await svc.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Writes `bundle` to a file of its own and runs `stella verify --offline` on it. */
async function verify(name: string, bundle: unknown, args: string[] = keys()) {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(bundle));
  return stella(['verify', path, '--offline', ...args]);
}

describe('stella reachgraph bundle', () => {
  it(
    'downloads a bundle of a graph built from Signals, with its input evidence and the graph',
    async () => {
      expect(good.graphDigest).toBe(digest);
      expect(good.query).toEqual({ type: 'cve', cve: CVE });
      expect(good.slice.verdict).toBe('reachable');
      expect(good.inputs.callgraphs).toHaveLength(1);
      expect(good.inputs.runtimeFacts).toHaveLength(1);
      expect(good.graph.document).toBeDefined();
      const toStdout = await stella(['reachgraph', 'bundle', digest, '--cve', CVE], { env: rgEnv });
      expect(toStdout.code).toBe(0);
      expect(JSON.parse(toStdout.stdout).graphDigest).toBe(digest);
    },
    SLOW,
  );

  it(
    'exits 4 for a graph the tenant does not have and 2 for a malformed --assume',
    async () => {
      const missing = await stella(
        ['--json', 'reachgraph', 'bundle', `blake3:${'0'.repeat(64)}`, '--cve', CVE],
        { env: rgEnv },
      );
      expect([missing.code, errorOf(missing).code]).toEqual([4, 'GRAPH_NOT_FOUND']);
      const bad = await stella(['reachgraph', 'bundle', digest, '--cve', CVE, '--assume', 'os'], {
        env: rgEnv,
      });
      expect(bad.code).toBe(2);
    },
    SLOW,
  );
});

describe('stella verify <bundle> --offline', () => {
  it(
    'prints every check ok and exits 0 with the keys pinned',
    async () => {
      const run = await stella(['verify', bundlePath(), '--offline', ...keys()]);
      expect(run.code).toBe(0);
      for (const name of [
        'schema',
        'graph.envelope',
        'graph.digest',
        'slice.envelope',
        'slice.replay',
        'trust',
      ]) {
        expect(run.stdout).toMatch(new RegExp(`^ok +${name.replace('.', '\\.')} `, 'm'));
      }
      expect(run.stdout.trim().split('\n').pop()).toBe('verified');
      const json = await stella(['--json', 'verify', bundlePath(), '--offline', ...keys()]);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: true });
    },
    SLOW,
  );

  it(
    'says that without --key only integrity is proven, and fails trust against another key',
    async () => {
      const unpinned = await stella(['verify', bundlePath(), '--offline']);
      expect(unpinned.code).toBe(0);
      expect(unpinned.stdout).toMatch(/^skipped +trust +no trusted key given/m);
      expect(unpinned.stdout).toContain('no --key: who signed it is not checked');
      const other = await stella([
        '--json',
        'verify',
        bundlePath(),
        '--offline',
        '--key',
        join(dir, 'other.pem'),
      ]);
      expect(other.code).toBe(3);
      expect(errorOf(other).code).toBe('VERIFICATION_FAILED');
      const checks = JSON.parse(other.stdout).checks as { name: string; status: string }[];
      expect(checks.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual(['trust']);
    },
    SLOW,
  );

  const tampered: [string, (b: EvidenceBundle) => void, string][] = [
    [
      'a flipped byte in the VEX',
      (b) => {
        const s = b.vex.statements[0] as { status: string };
        s.status = s.status === 'affected' ? 'not_affected' : 'affected';
      },
      'vex.digest',
    ],
    [
      'a changed verdict',
      (b) => {
        b.slice.verdict = 'not_reachable';
      },
      'predicate.claim',
    ],
    [
      'a changed slice path',
      (b) => {
        (b.slice.paths as { hops: unknown[] }[])[0]?.hops.pop();
      },
      'slice.digest',
    ],
    [
      'a swapped key',
      (b) => {
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        (b.keys[0] as { publicKeyPem: string }).publicKeyPem = String(
          other.publicKey.export({ type: 'spki', format: 'pem' }),
        );
      },
      'slice.envelope',
    ],
    [
      'a removed envelope',
      (b) => {
        b.attestation.envelope = null;
      },
      'slice.envelope',
    ],
    [
      'a changed graph byte',
      (b) => {
        const node = (b.graph.document as { nodes: { line?: number }[] }).nodes[0] as { line?: number };
        node.line = (node.line ?? 0) + 1;
      },
      'graph.digest',
    ],
    [
      'an altered provenance record',
      (b) => {
        const record = (b.inputs.runtimeFacts[0] as { provenance: { factCount: number } }).provenance;
        record.factCount += 1;
      },
      'inputs.runtimeFacts',
    ],
  ];

  it.each(tampered)(
    'exits 3 and names the failed check for %s',
    async (what, tamper, check) => {
      const bundle = structuredClone(good);
      tamper(bundle);
      const run = await verify(what.replace(/ /g, '-'), bundle);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(new RegExp(`^FAILED +${check.replace('.', '\\.')} `, 'm'));
      expect(run.stdout.trim().split('\n').pop()).toMatch(/^NOT verified: \d+ checks? failed$/);
      expect(run.stderr).toContain('VERIFICATION_FAILED');
    },
    SLOW,
  );

  it(
    'points a bundle given without --offline to it (exit 2), and fails a file that is no bundle (exit 3)',
    async () => {
      const plain = await stella(['verify', bundlePath(), ...keys()]);
      expect(plain.code).toBe(2);
      expect(plain.stderr).toContain('--offline');
      const notBundle = await verify('not-a-bundle', { hello: 'world' });
      expect(notBundle.code).toBe(3);
      expect(notBundle.stdout).toMatch(/^FAILED +schema /m);
    },
    SLOW,
  );
});
