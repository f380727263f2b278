import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blake3,
  parseStatement,
  REACHABILITY_SLICE_PREDICATE_TYPE,
  schemaIssues,
  sha256,
  verifyEnvelope,
} from '@stella-ops/core';
import { callgraphRecords, fact, ndjson } from '../../../services/signals/tests/fixtures.js';
import { type RunningServices, startServices } from '../../client/tests/services.js';
import { errorOf, SLOW, type StellaRun, stella, stellaOnTty } from './run-stella.js';

const repo = (p: string) => new URL(`../../../${p}`, import.meta.url);
const EXAMPLE = repo('schemas/examples/reachgraph-min.v1/valid-express-lodash.json');

let svc: RunningServices;
let dir: string;
let rgEnv: Record<string, string>;
const signalsEnv: Record<string, Record<string, string>> = {};

function json<T = Record<string, unknown>>(run: StellaRun): T {
  if (run.code !== 0) throw new Error(`stella failed (${run.code}): ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  svc = await startServices('cli_rg');
  dir = await mkdtemp(join(tmpdir(), 'stella-cli-svc-'));
  rgEnv = { STELLA_REACHGRAPH_URL: svc.reachgraphUrl, STELLA_TOKEN: await svc.reachgraphToken() };
  for (const principal of ['scanner-worker', 'runtime-agent', 'policy-engine']) {
    signalsEnv[principal] = {
      STELLA_SIGNALS_URL: svc.signalsUrl,
      STELLA_SIGNALS_TOKEN: await svc.signalsToken(principal),
    };
  }
  await writeFile(join(dir, 'graph.json'), await readFile(EXAMPLE));
  await writeFile(join(dir, 'reachgraph.pem'), svc.reachgraphSigningKeyPem);
}, SLOW);
afterAll(async () => {
  await svc.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('stella reachgraph against the running service', () => {
  let digest: string;

  beforeAll(async () => {
    const stored = json<{ digest: string; created: boolean }>(
      await stella(['reachgraph', 'upsert', join(dir, 'graph.json'), '--json'], { env: rgEnv }),
    );
    expect(stored.created).toBe(true);
    digest = stored.digest;
  }, SLOW);

  it(
    'upsert stores a graph under the digest `stella digest` computes offline, idempotently',
    async () => {
      const local = json<{ digest: string }>(await stella(['digest', '--json', join(dir, 'graph.json')]));
      expect(local.digest).toBe(digest);
      const again = await stella(['reachgraph', 'upsert', join(dir, 'graph.json')], { env: rgEnv });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`${digest} (already stored)`);
    },
    SLOW,
  );

  it(
    'draws a progress bar for an upload on a terminal, and none off a terminal',
    async () => {
      const tty = await stellaOnTty(['reachgraph', 'upsert', join(dir, 'graph.json')], rgEnv);
      expect(tty.code).toBe(0);
      expect(tty.stdout).toMatch(/\rupload \[#+\] 100% /);
      const plain = await stella(['reachgraph', 'upsert', join(dir, 'graph.json')], { env: rgEnv });
      expect(plain.stderr).toBe('');
      expect(plain.stdout).not.toContain('upload [');
    },
    SLOW,
  );

  it(
    'upsert --expect-digest with another digest fails with exit 3 (DIGEST_MISMATCH)',
    async () => {
      const run = await stella(
        ['--json', 'reachgraph', 'upsert', '-', '--expect-digest', `blake3:${'0'.repeat(64)}`],
        { env: rgEnv, input: await readFile(EXAMPLE) },
      );
      expect(run.code).toBe(3);
      expect(errorOf(run)).toMatchObject({ code: 'DIGEST_MISMATCH', status: 422 });
    },
    SLOW,
  );

  it(
    'get writes the verified canonical JSON; an unknown digest is exit 4',
    async () => {
      const out = join(dir, 'fetched.json');
      const run = await stella(['reachgraph', 'get', digest, '-o', out], { env: rgEnv });
      expect(run.code).toBe(0);
      expect(await blake3(await readFile(out))).toBe(digest);
      const stdout = await stella(['reachgraph', 'get', digest], { env: rgEnv });
      expect(stdout.stdout).toBe((await readFile(out)).toString('utf8'));
      const missing = await stella(['--json', 'reachgraph', 'get', `blake3:${'e'.repeat(64)}`], {
        env: rgEnv,
      });
      expect(missing.code).toBe(4);
      expect(errorOf(missing)).toMatchObject({ code: 'GRAPH_NOT_FOUND', status: 404 });
    },
    SLOW,
  );

  it(
    'slice prints explained paths as a tree, or JSON with --json',
    async () => {
      const tree = await stella(['reachgraph', 'slice', digest, '--cve', 'CVE-2021-23337'], { env: rgEnv });
      expect(tree.code).toBe(0);
      expect(tree.stdout).toContain('cve slice CVE-2021-23337 gated');
      expect(tree.stdout).toContain('reachable only if REPORTS=enabled');
      expect(tree.stdout).toMatch(/└─ FeatureFlag {2}at src\/server\.js:30 {2}guard REPORTS=enabled/);
      const slice = json<{ graphDigest: string; verdict: string; paths: unknown[] }>(
        await stella(['--json', 'reachgraph', 'slice', digest, '--cve', 'CVE-2021-23337', '--no-cache'], {
          env: rgEnv,
        }),
      );
      expect(slice).toMatchObject({ graphDigest: digest, verdict: 'gated' }); // behind REPORTS=enabled
      expect(slice.paths).toHaveLength(1);
      // --assume goes to the service, which settles or prunes the guard
      const on = await stella(
        ['reachgraph', 'slice', digest, '--cve', 'CVE-2021-23337', '--assume', 'os=linux,REPORTS=enabled'],
        { env: rgEnv },
      );
      expect(on.stdout).toContain('cve slice CVE-2021-23337 reachable  assuming REPORTS=enabled, os=linux');
      expect(on.stdout).not.toContain('reachable only if');
      const off = json<{ verdict: string; query: unknown }>(
        await stella(
          [
            '--json',
            'reachgraph',
            'slice',
            digest,
            '--cve',
            'CVE-2021-23337',
            '--assume',
            'REPORTS=disabled',
          ],
          {
            env: rgEnv,
          },
        ),
      );
      expect(off).toMatchObject({ verdict: 'not_reachable', query: { assume: { REPORTS: 'disabled' } } });
      const malformed = await stella(
        ['reachgraph', 'slice', digest, '--cve', 'CVE-2021-23337', '--assume', 'os'],
        {
          env: rgEnv,
        },
      );
      expect(malformed.code).toBe(2);
      const bad = await stella(
        ['--json', 'reachgraph', 'slice', digest, '--purl', 'pkg:npm/a', '--depth', '11'],
        {
          env: rgEnv,
        },
      );
      expect(bad.code).toBe(1);
      expect(errorOf(bad).code).toBe('DEPTH_OUT_OF_RANGE');
    },
    SLOW,
  );

  it(
    'slice --format openvex prints the OpenVEX document; --attestation saves the signed statement naming it',
    async () => {
      const out = join(dir, 'vex.dsse.json');
      const run = await stella(
        [
          'reachgraph',
          'slice',
          digest,
          '--cve',
          'CVE-2021-23337',
          '--format',
          'openvex',
          '--attestation',
          out,
        ],
        { env: rgEnv },
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`→ ${out}`);
      const printed = run.stdout; // piped: exactly the served bytes
      const vex = JSON.parse(printed);
      expect(schemaIssues('openvex@0.2.0', vex)).toEqual([]);
      expect(vex.statements[0].vulnerability.name).toBe('CVE-2021-23337');
      expect(vex.statements[0].status).toBe('affected');
      const envelope = JSON.parse(await readFile(out, 'utf8'));
      const verified = await verifyEnvelope(envelope, [
        { keyId: 'reachgraph-test', publicKeyPem: svc.reachgraphSigningKeyPem },
      ]);
      const statement = parseStatement(verified.payload);
      expect(statement.predicateType).toBe(REACHABILITY_SLICE_PREDICATE_TYPE);
      // The statement names exactly the bytes printed.
      expect(statement.subject).toContainEqual({
        name: 'openvex.json',
        digest: { sha256: sha256(printed).slice('sha256:'.length) },
      });
      expect(statement.predicate).toMatchObject({ graphDigest: digest, query: { cve: 'CVE-2021-23337' } });

      const unknown = await stella(
        ['reachgraph', 'slice', digest, '--cve', 'CVE-2099-0001', '--format', 'openvex'],
        {
          env: rgEnv,
        },
      );
      expect(JSON.parse(unknown.stdout).statements[0].status).toBe('under_investigation');
      for (const args of [
        ['--purl', 'pkg:npm/lodash@*', '--format', 'openvex'],
        ['--cve', 'CVE-2021-23337', '--format', 'openvex', '--limit', '1'],
      ]) {
        const wrong = await stella(['--json', 'reachgraph', 'slice', digest, ...args], { env: rgEnv });
        expect([wrong.code, errorOf(wrong).code]).toEqual([2, 'USAGE']);
      }
      const offline = await stella(
        [
          '--json',
          'reachgraph',
          'slice',
          '--graph',
          join(dir, 'graph.json'),
          '--cve',
          'CVE-2021-23337',
          '--format',
          'openvex',
        ],
        { env: rgEnv },
      );
      expect(offline.code).toBe(2);
    },
    SLOW,
  );

  it(
    'by-artifact lists the graph',
    async () => {
      const artifact = JSON.parse(await readFile(EXAMPLE, 'utf8')).artifact.digest as string;
      const list = json<{ graphs: { digest: string }[] }>(
        await stella(['reachgraph', 'by-artifact', artifact, '--json'], { env: rgEnv }),
      );
      expect(list.graphs.map((g) => g.digest)).toEqual([digest]);
    },
    SLOW,
  );

  it(
    'list finds the graph by CVE and by any version of a package, follows every page with --all, and says what is wrong',
    async () => {
      const digestsOf = (run: StellaRun) =>
        json<{ graphs: { digest: string }[] }>(run).graphs.map((g) => g.digest);
      const byCve = await stella(['reachgraph', 'list', '--cve', 'CVE-2021-23337', '--json'], { env: rgEnv });
      expect(digestsOf(byCve)).toEqual([digest]);
      const all = await stella(
        ['reachgraph', 'list', '--purl', 'pkg:npm/lodash@*', '--limit', '1', '--all', '--json'],
        {
          env: rgEnv,
        },
      );
      expect(digestsOf(all)).toEqual([digest]);
      const text = await stella(['reachgraph', 'list', '--artifact-name', 'svc.orders'], { env: rgEnv });
      expect([text.code, text.stdout]).toEqual([0, expect.stringContaining(digest)]);
      const none = await stella(['reachgraph', 'list', '--cve', 'CVE-1999-0001'], { env: rgEnv });
      expect(none.stdout.trim()).toBe('no graphs');
      const bad = await stella(['--json', 'reachgraph', 'list', '--cve', 'nope'], { env: rgEnv });
      expect(bad.code).toBe(1);
      expect(errorOf(bad).code).toBe('CVE_INVALID');
      expect((await stella(['reachgraph', 'list', '--limit', 'ten'], { env: rgEnv })).code).toBe(2);
    },
    SLOW,
  );

  it(
    'dsse gives an envelope `stella verify` accepts with the service key; a tampered one is exit 3',
    async () => {
      const dsse = await stella(['reachgraph', 'dsse', digest, '--json'], { env: rgEnv });
      const envelope = json<{ payload: string }>(dsse);
      await writeFile(join(dir, 'graph.dsse.json'), dsse.stdout);
      const ok = await stella(['verify', join(dir, 'graph.dsse.json'), '--key', join(dir, 'reachgraph.pem')]);
      expect(ok.code).toBe(0);
      const payload = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
      payload.artifact.name = 'evil';
      const tampered = { ...envelope, payload: Buffer.from(JSON.stringify(payload)).toString('base64') };
      await writeFile(join(dir, 'graph.dsse.tampered.json'), JSON.stringify(tampered));
      const bad = await stella([
        'verify',
        join(dir, 'graph.dsse.tampered.json'),
        '--key',
        join(dir, 'reachgraph.pem'),
      ]);
      expect(bad.code).toBe(3);
    },
    SLOW,
  );

  it(
    'replay --inputs rebuilds from a directory: exit 3 when the digest differs, 0 when it matches',
    async () => {
      const inputs = join(dir, 'inputs');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(inputs, { recursive: true });
      await copyFile(repo('examples/orders-api/callgraph.ndjson'), join(inputs, 'callgraph.ndjson'));
      await copyFile(repo('examples/orders-api/runtime-facts.ndjson'), join(inputs, 'runtime-facts.ndjson'));
      await copyFile(repo('examples/orders-api/sinks.json'), join(inputs, 'sinks.json'));
      await writeFile(
        join(inputs, 'artifact.json'),
        JSON.stringify({ name: 'acme/orders-api', digest: `sha256:${'0d'.repeat(32)}` }),
      );
      const wrong = await stella(
        ['--json', 'reachgraph', 'replay', `blake3:${'1'.repeat(64)}`, '--inputs', inputs],
        {
          env: rgEnv,
        },
      );
      expect(wrong.code).toBe(3);
      expect(errorOf(wrong).code).toBe('REPLAY_MISMATCH');
      const outcome = JSON.parse(wrong.stdout) as { match: boolean; computedDigest: string };
      expect(outcome.match).toBe(false);
      const right = await stella(['reachgraph', 'replay', outcome.computedDigest, '--inputs', inputs], {
        env: rgEnv,
      });
      expect(right.code).toBe(0);
      expect(right.stdout).toContain(`match ${outcome.computedDigest}`);
    },
    SLOW,
  );

  it(
    'a bad token is exit 1 with UNAUTHORIZED; a missing scope is exit 1 with FORBIDDEN',
    async () => {
      const bad = await stella(['--json', 'reachgraph', 'get', digest], {
        env: { ...rgEnv, STELLA_TOKEN: 'nope' },
      });
      expect(bad.code).toBe(1);
      expect(errorOf(bad)).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
      const readOnly = await svc.reachgraphToken({ scopes: ['reachgraph:read'] });
      const forbidden = await stella(['--json', '--token', readOnly, 'reachgraph', 'delete', digest], {
        env: rgEnv,
      });
      expect(forbidden.code).toBe(1);
      expect(errorOf(forbidden).status).toBe(403);
    },
    SLOW,
  );

  it(
    'delete removes the graph (then get is exit 4)',
    async () => {
      const other = JSON.parse(await readFile(EXAMPLE, 'utf8'));
      other.artifact.name = 'to-delete';
      await writeFile(join(dir, 'other.json'), JSON.stringify(other));
      const stored = json<{ digest: string }>(
        await stella(['reachgraph', 'upsert', join(dir, 'other.json'), '--json'], { env: rgEnv }),
      );
      expect((await stella(['reachgraph', 'delete', stored.digest], { env: rgEnv })).code).toBe(0);
      expect((await stella(['reachgraph', 'get', stored.digest], { env: rgEnv })).code).toBe(4);
    },
    SLOW,
  );
});

describe('stella signals against the running service', () => {
  let graphId: string;
  let graphDigest: string;

  beforeAll(async () => {
    await writeFile(join(dir, 'callgraph.ndjson'), ndjson(callgraphRecords(6)));
    const manifest = json<{ graphId: string; digest: string }>(
      await stella(['signals', 'callgraph', 'push', join(dir, 'callgraph.ndjson'), '--json'], {
        env: signalsEnv['scanner-worker'],
      }),
    );
    graphId = manifest.graphId;
    graphDigest = manifest.digest;
  }, SLOW);

  it(
    'callgraph push writes a header from --purl/--language when the file has none',
    async () => {
      await writeFile(join(dir, 'nodes.ndjson'), ndjson(callgraphRecords(3).slice(1)));
      const manifest = json<{ componentPurl: string; language: string; source: string }>(
        await stella(
          [
            'signals',
            'callgraph',
            'push',
            join(dir, 'nodes.ndjson'),
            '--purl',
            'pkg:npm/cli-test@1.0.0',
            '--language',
            'javascript',
            '--json',
          ],
          { env: signalsEnv['scanner-worker'] },
        ),
      );
      expect(manifest).toMatchObject({
        componentPurl: 'pkg:npm/cli-test@1.0.0',
        language: 'javascript',
        source: 'stella-cli',
      });
      const conflict = await stella(
        ['--json', 'signals', 'callgraph', 'push', join(dir, 'callgraph.ndjson'), '--language', 'java'],
        { env: signalsEnv['scanner-worker'] },
      );
      expect(conflict.code).toBe(2);
      expect(errorOf(conflict).code).toBe('HEADER_CONFLICT');
    },
    SLOW,
  );

  it(
    'callgraph get writes the verified NDJSON; an unknown graph is exit 4',
    async () => {
      const out = join(dir, 'cg.ndjson');
      const run = await stella(['signals', 'callgraph', 'get', graphId, '-o', out], {
        env: signalsEnv['policy-engine'],
      });
      expect(run.code).toBe(0);
      expect(sha256(await readFile(out))).toBe(graphDigest);
      const missing = await stella(['--json', 'signals', 'callgraph', 'get', '01JAAAAAAAAAAAAAAAAAAAAAAA'], {
        env: signalsEnv['policy-engine'],
      });
      expect(missing.code).toBe(4);
      expect(errorOf(missing)).toMatchObject({ code: 'CALLGRAPH_NOT_FOUND', status: 404 });
    },
    SLOW,
  );

  it(
    'callgraph manifest verifies offline with the key from `signals keys`; a tampered one is exit 3',
    async () => {
      const keys = json<{ keys: { keyId: string; publicKeyPem: string; current: boolean }[] }>(
        await stella(['signals', 'keys', '--json'], { env: { STELLA_SIGNALS_URL: svc.signalsUrl } }),
      );
      await writeFile(join(dir, 'signals.pem'), keys.keys[0]!.publicKeyPem);
      const manifest = await stella(['signals', 'callgraph', 'manifest', graphId, '--json'], {
        env: signalsEnv['policy-engine'],
      });
      await writeFile(join(dir, 'manifest.json'), manifest.stdout);
      const ok = await stella([
        'verify',
        join(dir, 'manifest.json'),
        '--key',
        join(dir, 'signals.pem'),
        '--json',
      ]);
      expect(json(ok)).toMatchObject({
        verified: true,
        kind: 'dsse',
        payloadType: 'application/vnd.stella.callgraph-manifest+json',
      });

      const online = await stella(['signals', 'verify', '-', '--json'], {
        env: signalsEnv['policy-engine'],
        input: manifest.stdout,
      });
      expect(json(online)).toMatchObject({ verified: true, keyIds: ['signals-test-2025'] });

      const doc = JSON.parse(manifest.stdout) as { envelope: { payload: string } };
      const payload = JSON.parse(Buffer.from(doc.envelope.payload, 'base64').toString('utf8'));
      payload.nodeCount = 1000;
      doc.envelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
      await writeFile(join(dir, 'manifest.tampered.json'), JSON.stringify(doc));
      const bad = await stella([
        '--json',
        'verify',
        join(dir, 'manifest.tampered.json'),
        '--key',
        join(dir, 'signals.pem'),
      ]);
      expect(bad.code).toBe(3);
      expect(errorOf(bad).code).toBe('DSSE_VERIFICATION_FAILED');
      const badOnline = await stella(['--json', 'signals', 'verify', join(dir, 'manifest.tampered.json')], {
        env: signalsEnv['policy-engine'],
      });
      expect(badOnline.code).toBe(3);
      expect(errorOf(badOnline)).toMatchObject({ code: 'SIGNATURE_INVALID', status: 422 });
    },
    SLOW,
  );

  it(
    'callgraph list finds graphs by purl',
    async () => {
      const page = json<{ items: { graphId: string }[] }>(
        await stella(['signals', 'callgraph', 'list', 'pkg:npm/%40acme/backend', '--json'], {
          env: signalsEnv['policy-engine'],
        }),
      );
      expect(page.items.map((m) => m.graphId)).toContain(graphId);
    },
    SLOW,
  );

  it(
    'facts push splits a file into batches at line boundaries; stream, provenance and get read them back',
    async () => {
      const facts = Array.from({ length: 12 }, (_, i) => fact(i));
      const text = ndjson(facts);
      await writeFile(join(dir, 'facts.ndjson'), text);
      const lineBytes = Math.max(...text.split('\n').map((l) => Buffer.byteLength(l) + 1));
      const max = lineBytes * 5;
      const pushed = json<{
        batches: { batchId: string; factCount: number; bytes: number }[];
        factCount: number;
      }>(
        await stella(
          [
            'signals',
            'facts',
            'push',
            join(dir, 'facts.ndjson'),
            '--callgraph',
            graphId,
            '--source',
            'web-1',
            '--max-batch-bytes',
            String(max),
            '--json',
          ],
          { env: signalsEnv['runtime-agent'] },
        ),
      );
      expect(pushed.factCount).toBe(12);
      expect(pushed.batches.length).toBeGreaterThanOrEqual(3);
      expect(pushed.batches.every((b) => b.bytes <= max)).toBe(true);

      const stream = await stella(
        ['signals', 'facts', 'stream', '--callgraph', graphId, '--include-provenance', '--json'],
        {
          env: signalsEnv['policy-engine'],
        },
      );
      expect(stream.code).toBe(0);
      const lines = stream.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(12);
      expect(new Set(lines.map((l) => l.fact.symbolId))).toEqual(new Set(facts.map((f) => f.symbolId)));
      expect(lines[0].callgraph_id).toBe(graphId);
      const limited = await stella(
        ['signals', 'facts', 'stream', '--callgraph', graphId, '--max', '2', '--json'],
        {
          env: signalsEnv['policy-engine'],
        },
      );
      expect(limited.stdout.trim().split('\n')).toHaveLength(2);

      const first = pushed.batches[0]!;
      const prov = json<{ provenance: { batchId: string; factCount: number }; attestation: unknown }>(
        await stella(['signals', 'provenance', first.batchId, '--json'], {
          env: signalsEnv['policy-engine'],
        }),
      );
      expect(prov.provenance).toMatchObject({ batchId: first.batchId, factCount: first.factCount });
      await writeFile(join(dir, 'provenance.json'), JSON.stringify(prov));
      expect(
        (await stella(['verify', join(dir, 'provenance.json'), '--key', join(dir, 'signals.pem')])).code,
      ).toBe(0);

      const batch = await stella(['signals', 'facts', 'get', first.batchId], {
        env: signalsEnv['policy-engine'],
      });
      expect(batch.stdout.trim().split('\n')).toHaveLength(first.factCount);
    },
    SLOW,
  );

  it(
    'reruns with the same --idempotency-key answer with what the first run stored',
    async () => {
      // Its own call graph, so the feed test's counts do not depend on test order.
      const push = [
        'signals',
        'callgraph',
        'push',
        join(dir, 'callgraph.ndjson'),
        '--idempotency-key',
        'cg-7',
        '--json',
      ];
      const a = json<{ graphId: string }>(await stella(push, { env: signalsEnv['scanner-worker'] }));
      const b = json<{ graphId: string }>(await stella(push, { env: signalsEnv['scanner-worker'] }));
      expect(b.graphId).toBe(a.graphId);
      expect(a.graphId).not.toBe(graphId);

      await writeFile(join(dir, 'rerun.ndjson'), ndjson(Array.from({ length: 6 }, (_, i) => fact(100 + i))));
      const args = [
        'signals',
        'facts',
        'push',
        join(dir, 'rerun.ndjson'),
        '--callgraph',
        a.graphId,
        '--source',
        'ci',
      ];
      const keyed = [...args, '--max-batch-bytes', '600', '--idempotency-key', 'job-7', '--json'];
      type Pushed = { batches: { batchId: string }[] };
      const first = json<Pushed>(await stella(keyed, { env: signalsEnv['runtime-agent'] }));
      const rerun = json<Pushed>(await stella(keyed, { env: signalsEnv['runtime-agent'] }));
      expect(first.batches.length).toBeGreaterThan(1);
      expect(rerun.batches.map((x) => x.batchId)).toEqual(first.batches.map((x) => x.batchId));
      const unkeyed = json<Pushed>(
        await stella([...args, '--max-batch-bytes', '600', '--json'], { env: signalsEnv['runtime-agent'] }),
      );
      expect(unkeyed.batches[0]!.batchId).not.toBe(first.batches[0]!.batchId);
    },
    SLOW,
  );

  it(
    'facts push refuses a line longer than a batch (exit 1, LINE_TOO_LARGE) before sending it',
    async () => {
      await writeFile(join(dir, 'big.ndjson'), ndjson([fact(0)]));
      const run = await stella(
        [
          '--json',
          'signals',
          'facts',
          'push',
          join(dir, 'big.ndjson'),
          '--callgraph',
          graphId,
          '--source',
          's',
          '--max-batch-bytes',
          '10',
        ],
        { env: signalsEnv['runtime-agent'] },
      );
      expect(run.code).toBe(1);
      expect(errorOf(run).code).toBe('LINE_TOO_LARGE');
    },
    SLOW,
  );

  it(
    'a bad token is exit 1 with UNAUTHORIZED; the wrong principal is exit 1 with FORBIDDEN',
    async () => {
      const bad = await stella(['--json', 'signals', 'callgraph', 'manifest', graphId], {
        env: { STELLA_SIGNALS_URL: svc.signalsUrl, STELLA_TOKEN: 'not-a-token' },
      });
      expect(bad.code).toBe(1);
      expect(errorOf(bad)).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
      const forbidden = await stella(
        ['--json', 'signals', 'callgraph', 'push', join(dir, 'callgraph.ndjson')],
        {
          env: signalsEnv['policy-engine'],
        },
      );
      expect(forbidden.code).toBe(1);
      expect(errorOf(forbidden).code).toBe('FORBIDDEN');
    },
    SLOW,
  );

  it(
    'a malformed id is the service’s 400 (exit 1) with its code; human errors name the code',
    async () => {
      const run = await stella(['signals', 'provenance', 'not-a-ulid'], { env: signalsEnv['policy-engine'] });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^stella: ULID_INVALID: /);
    },
    SLOW,
  );

  it(
    'reachgraph build builds from the Signals call graph and batches; slice shows the path to the sink',
    async () => {
      const purl = 'pkg:npm/%40acme/backend@1.2.3';
      const records = callgraphRecords(4).map((r) => (r['type'] === 'node' ? { ...r, purl } : r));
      await writeFile(join(dir, 'build-cg.ndjson'), ndjson(records));
      const manifest = json<{ graphId: string }>(
        await stella(['signals', 'callgraph', 'push', join(dir, 'build-cg.ndjson'), '--json'], {
          env: signalsEnv['scanner-worker'],
        }),
      );
      await writeFile(join(dir, 'build-facts.ndjson'), ndjson([fact(1), fact(2)]));
      const pushed = json<{ batches: { batchId: string }[] }>(
        await stella(
          [
            'signals',
            'facts',
            'push',
            join(dir, 'build-facts.ndjson'),
            '--callgraph',
            manifest.graphId,
            '--source',
            'web-1',
            '--json',
          ],
          { env: signalsEnv['runtime-agent'] },
        ),
      );
      await writeFile(
        join(dir, 'build-sinks.json'),
        JSON.stringify([{ cve: 'CVE-2099-0002', purl, symbol: 'fn3' }]),
      );
      const built = json<{ digest: string }>(
        await stella(
          [
            'reachgraph',
            'build',
            '--callgraph',
            manifest.graphId,
            '--batch',
            pushed.batches[0]!.batchId,
            '--sinks',
            join(dir, 'build-sinks.json'),
            '--artifact-name',
            'acme/backend',
            '--artifact-digest',
            `sha256:${'cd'.repeat(32)}`,
            '--json',
          ],
          { env: rgEnv },
        ),
      );
      const tree = await stella(['reachgraph', 'slice', built.digest, '--cve', 'CVE-2099-0002'], {
        env: rgEnv,
      });
      expect(tree.code).toBe(0);
      expect(tree.stdout).toContain('path 1: n0 → n3');
      expect(tree.stdout).toMatch(/n3 \(src\/index\.js:4\).*\[sink CVE-2099-0002\]/);
      // Replay with only the digest: ReachGraph fetches the recorded inputs from Signals again.
      const replay = await stella(['reachgraph', 'replay', built.digest], { env: rgEnv });
      expect(replay.stdout).toContain(`match ${built.digest}`);
      expect(replay.code).toBe(0);
      const unknown = await stella(
        [
          '--json',
          'reachgraph',
          'build',
          '--callgraph',
          '01JAAAAAAAAAAAAAAAAAAAAAAA',
          '--sinks',
          join(dir, 'build-sinks.json'),
          '--artifact-name',
          'x',
          '--artifact-digest',
          `sha256:${'cd'.repeat(32)}`,
        ],
        { env: rgEnv },
      );
      expect(unknown.code).toBe(1);
      expect(errorOf(unknown).code).toBe('INPUT_NOT_FOUND');
    },
    SLOW,
  );
});
