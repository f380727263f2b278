import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSignalsClient, isStellaApiError } from '@stella-ops/client';
import {
  type CallgraphManifest,
  type RuntimeFact,
  type RuntimeFactProvenance,
  sha256Canonical,
} from '@stella-ops/core';
import { type EvidenceBundle, verifyEvidenceBundle } from '@stella-ops/graph';
import pg from 'pg';
import { servicesBuilt } from './support/processes.js';
import { type Stack, startStack } from './support/stack.js';

const example = (name: string) =>
  readFileSync(new URL(`../../examples/orders-api/${name}`, import.meta.url), 'utf8');
const FACTS = example('runtime-facts.ndjson')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as RuntimeFact);
const OSV = JSON.parse(example('osv.json')) as unknown;
const SINKS = JSON.parse(example('sinks.json')) as unknown;
const ARTIFACT = {
  name: 'acme/orders-api',
  digest: 'sha256:3b8e1f2f1a6f0b8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9c4e5c6a0f3b',
};

interface Hop {
  from: string;
  to: string;
  why: { type: string; guard?: string };
  observed?: boolean;
}
interface Slice {
  verdict: string;
  nodes: { id: string; symbol?: string; observed?: { hitCount: number; batches: string[] } }[];
  paths: { entrypoint: string; target: string; hops: Hop[]; guards?: string[] }[];
}

/** Every file under `dir` whose path contains `part`. */
function filesContaining(dir: string, part: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesContaining(path, part);
    return path.includes(part) ? [path] : [];
  });
}

describe('Signals feeds ReachGraph (both services as processes)', () => {
  let stack: Stack;
  let manifest: CallgraphManifest;
  let batch: RuntimeFactProvenance;
  let digest: string;
  let inlineDigest: string;
  let db: pg.Client;

  const rg = async (method: string, path: string, body?: unknown, tenant?: string) => {
    const res = await fetch(stack.reachgraphUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${stack.reachgraphToken(tenant)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const buildRequest = (over: Record<string, unknown> = {}) => ({
    callgraphId: manifest.graphId,
    runtimeFactBatchIds: [batch.batchId],
    vulnerabilities: OSV,
    artifact: ARTIFACT,
    ...over,
  });
  const graphsStored = async () => (await rg('GET', `/v1/reachgraphs/by-artifact/${ARTIFACT.digest}`)).body;

  beforeAll(async () => {
    // `pnpm test` builds first; a missing build must fail here, never skip the end-to-end tests.
    if (!servicesBuilt()) throw new Error('services/*/dist is missing: run `pnpm build` first');
    stack = await startStack();
    db = new pg.Client({ connectionString: stack.reachgraphDb.url });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('pushes the call graph and the runtime facts to Signals', async () => {
    const scanner = createSignalsClient({
      baseUrl: stack.signalsUrl,
      token: stack.signalsToken('scanner-worker'),
    });
    manifest = await scanner.pushCallgraph(example('callgraph.ndjson'));
    expect(manifest.digest).toMatch(/^sha256:/);
    const agent = createSignalsClient({
      baseUrl: stack.signalsUrl,
      token: stack.signalsToken('runtime-agent'),
    });
    const pushed = await agent.pushRuntimeFacts(FACTS, { callgraphId: manifest.graphId, source: 'node-a1' });
    batch = pushed.provenance;
    // call facts are kept apart from the invocations of the same symbols: nothing merged
    expect(pushed.merged).toBe(0);
    expect(batch.factCount).toBe(FACTS.length);
  });

  it('builds the graph from Signals: 201, then 200 with the same digest; provenance names every input', async () => {
    const created = await rg('POST', '/v1/reachgraphs/build', buildRequest());
    expect(created.status).toBe(201);
    digest = created.body['digest'] as string;
    expect(created.body['inputs']).toEqual([
      { kind: 'callgraph', digest: manifest.digest, id: manifest.graphId },
      { kind: 'osv', digest: sha256Canonical(OSV) },
      { kind: 'runtime-facts', digest: batch.provenanceHash, id: batch.batchId },
    ]);
    expect(created.body['unmatchedSinks']).toEqual([]);
    const again = await rg('POST', '/v1/reachgraphs/build', buildRequest());
    expect([again.status, again.body['digest'], again.body['created']]).toEqual([200, digest, false]);
    // inline sinks place the same sinks; only the provenance (sinks vs osv) differs
    const inline = await rg(
      'POST',
      '/v1/reachgraphs/build',
      buildRequest({ vulnerabilities: undefined, sinks: SINKS }),
    );
    expect(inline.status).toBe(201);
    inlineDigest = inline.body['digest'] as string;
    expect(inlineDigest).not.toBe(digest);
  });

  it('answers an offline evidence bundle that verifies with no network against the pinned keys', async () => {
    const res = await fetch(
      `${stack.reachgraphUrl}/v1/reachgraphs/${digest}/bundle?cve=CVE-2021-23337&include=graph`,
      {
        headers: { authorization: `Bearer ${stack.reachgraphToken()}` },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="reachgraph-[0-9a-f]{16}-CVE-2021-23337\.bundle\.json"$/,
    );
    const bundle = (await res.json()) as EvidenceBundle;
    // the evidence Signals signed, as ReachGraph kept it when it verified the inputs
    expect(bundle.inputs.callgraphs.map((c) => c.manifest.digest)).toEqual([manifest.digest]);
    expect(bundle.inputs.runtimeFacts.map((r) => r.provenance.provenanceHash)).toEqual([
      batch.provenanceHash,
    ]);
    expect(bundle.inputs.documents.map((d) => d.digest)).toEqual([sha256Canonical(OSV)]);
    const verification = await verifyEvidenceBundle(bundle, {
      trustedKeys: [
        { publicKeyPem: stack.reachgraphPublicKeyPem },
        { publicKeyPem: stack.signalsPublicKeyPem },
      ],
    });
    // the graph is not signed (SIGN_GRAPHS off): its digest and the slice are recomputed from the included graph
    expect(verification.checks.filter((c) => c.status !== 'ok').map((c) => [c.name, c.status])).toEqual([
      ['graph.envelope', 'skipped'],
    ]);
    expect(verification.ok).toBe(true);
  });

  it('answers the CVE slice with explained paths and runtime badges on every hop', async () => {
    const { status, body } = await rg('GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`);
    expect(status).toBe(200);
    const slice = body as unknown as Slice;
    // both paths pass a feature flag nothing settles: reachable only if one is enabled
    expect(slice.verdict).toBe('gated');
    expect(slice.paths.map((p) => p.guards)).toEqual([
      ['CUSTOM_REPORTS=enabled'],
      ['PDF_EXPORT=enabled', 'os=linux'],
    ]);
    const template = slice.nodes.find((n) => n.symbol === 'template');
    expect(template?.observed).toEqual({ hitCount: 212, batches: [batch.provenanceHash] });
    const viaReports = slice.paths[0] as Slice['paths'][number];
    expect(viaReports.hops.every((h) => typeof h.observed === 'boolean')).toBe(true);
    const hop = (to: string) => viaReports.hops.find((h) => h.to.endsWith(to));
    expect(hop('#template')?.observed).toBe(true);
    expect(hop('#renderCustomTemplate')?.observed).toBe(true);
    // the CLI path to minimist was never seen running
    const minimist = (await rg('GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-44906`))
      .body as unknown as Slice;
    expect(minimist.verdict).toBe('reachable');
    expect(new Set(minimist.paths.map((p) => p.entrypoint))).toEqual(new Set(['app:src/cli.js#main']));
    const zipObjectDeep = (await rg('GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2020-8203`)).body;
    expect(zipObjectDeep['verdict']).toBe('not_reachable');
    expect(minimist.paths.flatMap((p) => p.hops).some((h) => h.observed)).toBe(false);
    const unobserved = await rg('GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-44906&observed=exclude`);
    expect((unobserved.body as unknown as Slice).verdict).toBe('reachable');
    const onlySeen = (await rg('GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337&observed=only`))
      .body as unknown as Slice;
    expect(onlySeen.nodes.every((n) => n.observed !== undefined)).toBe(true);
    expect(onlySeen.paths.flatMap((p) => p.hops).every((h) => h.observed !== undefined)).toBe(true);
  });

  it('replays by digest alone: every input fetched from Signals and the input store, match', async () => {
    const res = await rg('POST', '/v1/reachgraphs/replay', { expectedDigest: digest });
    expect(res.status).toBe(200);
    expect([res.body['match'], res.body['computedDigest']]).toEqual([true, digest]);
    // the graph built from inline sinks: its sink list comes back from the input store
    const inline = await rg('POST', '/v1/reachgraphs/replay', { expectedDigest: inlineDigest });
    expect([inline.status, inline.body['match']]).toEqual([200, true]);
    // inputs by reference (Signals ids) rebuild the same graph
    const byReference = await rg('POST', '/v1/reachgraphs/replay', {
      expectedDigest: inlineDigest,
      inputs: {
        artifact: ARTIFACT,
        callgraph: { graphId: manifest.graphId },
        runtimeFacts: [{ batchId: batch.batchId }],
        sinks: SINKS,
      },
    });
    expect([byReference.status, byReference.body['match']]).toEqual([200, true]);
    const { rows } = await db.query(
      'select expected_digest, match, error_code from reachgraph.replay_log order by id desc limit 3',
    );
    expect(rows).toEqual(
      [inlineDigest, inlineDigest, digest].map((d) => ({
        expected_digest: d,
        match: true,
        error_code: null,
      })),
    );
  });

  it('refuses unknown and invalid inputs with their codes, storing nothing', async () => {
    const before = await graphsStored();
    const unknown = await rg(
      'POST',
      '/v1/reachgraphs/build',
      buildRequest({ callgraphId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }),
    );
    expect([unknown.status, unknown.body['code']]).toEqual([422, 'INPUT_NOT_FOUND']);
    const noBatch = await rg(
      'POST',
      '/v1/reachgraphs/build',
      buildRequest({ runtimeFactBatchIds: ['01JZZZZZZZZZZZZZZZZZZZZZZZ'] }),
    );
    expect([noBatch.status, noBatch.body['code']]).toEqual([422, 'INPUT_NOT_FOUND']);
    const both = await rg('POST', '/v1/reachgraphs/build', buildRequest({ sinks: SINKS }));
    expect([both.status, both.body['code']]).toEqual([422, 'SCHEMA_INVALID']);
    // a batch reported against another call graph
    const scanner = createSignalsClient({
      baseUrl: stack.signalsUrl,
      token: stack.signalsToken('scanner-worker'),
    });
    const other = await scanner.pushCallgraph(
      example('callgraph.ndjson').replace('"source":"', '"source":"other-'),
    );
    const mixed = await rg('POST', '/v1/reachgraphs/build', buildRequest({ callgraphId: other.graphId }));
    expect([mixed.status, mixed.body['code']]).toEqual([422, 'INPUT_MISMATCH']);
    // ReachGraph's Signals token serves one tenant: another tenant cannot read through it
    const foreign = await rg('POST', '/v1/reachgraphs/build', buildRequest(), 'tenant-other');
    expect([foreign.status, foreign.body['code']]).toEqual([403, 'SIGNALS_TENANT_MISMATCH']);
    expect(await graphsStored()).toEqual(before);
  });

  it("detects a tampered sink list in ReachGraph's own input store on replay", async () => {
    const digestOfSinks = sha256Canonical(
      [...(SINKS as { cve: string; purl: string; symbol: string }[])].sort((a, b) =>
        `${a.cve}\u0000${a.purl}\u0000${a.symbol}` < `${b.cve}\u0000${b.purl}\u0000${b.symbol}` ? -1 : 1,
      ),
    );
    const { rows } = await db.query('select content_zst from reachgraph.input_documents where digest = $1', [
      digestOfSinks,
    ]);
    const original = rows[0]?.content_zst as Buffer;
    expect(original).toBeInstanceOf(Buffer);
    const flipped = Buffer.from(original);
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] as number) ^ 0x20;
    const set = (bytes: Buffer) =>
      db.query('update reachgraph.input_documents set content_zst = $1 where digest = $2', [
        bytes,
        digestOfSinks,
      ]);
    await set(flipped);
    try {
      const res = await rg('POST', '/v1/reachgraphs/replay', { expectedDigest: inlineDigest });
      expect([res.status, res.body['code']]).toEqual([502, 'INPUT_DIGEST_MISMATCH']);
    } finally {
      await set(original);
    }
    const restored = await rg('POST', '/v1/reachgraphs/replay', { expectedDigest: inlineDigest });
    expect(restored.body['match']).toBe(true);
  });

  it('detects one flipped byte in a stored blob: Signals GET, build and replay all fail with clear codes', async () => {
    const dataDir = stack.s3.dataDir as string;
    const [blob] = filesContaining(join(dataDir, stack.bucket), `${batch.batchId}.ndjson.zst`).filter(
      (p) => !p.endsWith('.json'),
    );
    expect(blob).toBeDefined();
    const bytes = readFileSync(blob as string);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x01;
    writeFileSync(blob as string, bytes);

    const policy = createSignalsClient({
      baseUrl: stack.signalsUrl,
      token: stack.signalsToken('policy-engine'),
      retries: 0,
    });
    const get = await policy.getFactBatch(batch.batchId).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isStellaApiError(get) && [get.status, get.code]).toEqual([502, 'BLOB_INTEGRITY_FAILED']);

    const before = await graphsStored();
    const rebuilt = await rg('POST', '/v1/reachgraphs/build', buildRequest());
    expect([rebuilt.status, rebuilt.body['code']]).toEqual([502, 'INPUT_DIGEST_MISMATCH']);
    const fresh = await rg(
      'POST',
      '/v1/reachgraphs/build',
      buildRequest({ scope: { selectors: ['tampered'] } }),
    );
    expect([fresh.status, fresh.body['code']]).toEqual([502, 'INPUT_DIGEST_MISMATCH']);
    expect(await graphsStored()).toEqual(before);

    const replay = await rg('POST', '/v1/reachgraphs/replay', { expectedDigest: digest });
    expect([replay.status, replay.body['code']]).toEqual([502, 'INPUT_DIGEST_MISMATCH']);
    const { rows } = await db.query(
      'select expected_digest, match, error_code, inputs from reachgraph.replay_log order by id desc limit 1',
    );
    expect(rows[0]).toMatchObject({
      expected_digest: digest,
      match: null,
      error_code: 'INPUT_DIGEST_MISMATCH',
    });
    // the log names the inputs replay tried to fetch
    expect(rows[0].inputs).toMatchObject({
      source: 'provenance',
      named: expect.arrayContaining([
        { kind: 'runtime-facts', digest: batch.provenanceHash, id: batch.batchId },
      ]),
    });
  });

  it('detects a flipped byte in the stored call graph too: GET and build fail, nothing stored', async () => {
    const dataDir = stack.s3.dataDir as string;
    const [blob] = filesContaining(join(dataDir, stack.bucket), `${manifest.graphId}.ndjson.zst`).filter(
      (p) => !p.endsWith('.json'),
    );
    expect(blob).toBeDefined();
    const bytes = readFileSync(blob as string);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x01;
    writeFileSync(blob as string, bytes);
    const policy = createSignalsClient({
      baseUrl: stack.signalsUrl,
      token: stack.signalsToken('policy-engine'),
      retries: 0,
    });
    const get = await policy.getCallgraph(manifest.graphId).then(
      () => undefined,
      (err: unknown) => err,
    );
    // Signals verifies a call graph of this size in full before answering: a clean 502
    expect(isStellaApiError(get) && [get.status, get.code]).toEqual([502, 'BLOB_INTEGRITY_FAILED']);
    const before = await graphsStored();
    const rebuilt = await rg('POST', '/v1/reachgraphs/build', buildRequest({ runtimeFactBatchIds: [] }));
    expect([rebuilt.status, rebuilt.body['code']]).toEqual([502, 'INPUT_DIGEST_MISMATCH']);
    expect(await graphsStored()).toEqual(before);
    const replay = await rg('POST', '/v1/reachgraphs/replay', { expectedDigest: digest });
    expect([replay.status, replay.body['code']]).toEqual([502, 'INPUT_DIGEST_MISMATCH']);
  });
});
