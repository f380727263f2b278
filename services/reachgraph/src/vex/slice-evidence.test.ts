import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  blake3Canonical,
  canonicalize,
  createKeySigner,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  REACHABILITY_SLICE_PREDICATE_TYPE,
  type ReachGraph,
  reachGraphDigest,
  schemaIssues,
  sha256Canonical,
  signEnvelope,
  verifyEnvelope,
} from '@stella-ops/core';
import { createGraph, generateReachGraph } from '@stella-ops/graph';
import fc from 'fast-check';
import {
  type CveSliceQuery,
  type EvidenceOptions,
  type GraphFacts,
  sliceEvidence,
} from './slice-evidence.js';

const example = (): ReachGraph =>
  JSON.parse(
    readFileSync(
      new URL('../../../../schemas/examples/reachgraph-min.v1/valid-express-lodash.json', import.meta.url),
      'utf8',
    ),
  ) as ReachGraph;

/** The example with its feature-flag edge turned into a plain call: an unconditional path. */
function unconditional(): ReachGraph {
  const doc = example();
  doc.edges = doc.edges.map((e) => ({
    ...e,
    why: { type: 'DirectCall', ...(e.why.loc ? { loc: e.why.loc } : {}) },
  }));
  return doc;
}

/** The example without the call from the entrypoint: the sink has no path. */
function disconnected(): ReachGraph {
  const doc = example();
  doc.edges = doc.edges.filter((e) => e.from !== 'src/server.js:main');
  return doc;
}

async function prepared(doc: ReachGraph) {
  const digest = await reachGraphDigest(doc);
  const graph = createGraph(doc, { digest });
  const facts: GraphFacts = {
    digest,
    artifact: { name: doc.artifact.name, digest: doc.artifact.digest },
    provenance: doc.provenance,
  };
  return { digest, graph, facts };
}

const cve = (id: string): CveSliceQuery => ({ type: 'cve', cve: id });
const opts: EvidenceOptions = { author: 'Test Issuer', limits: { maxNodes: 50_000, maxPaths: 1000 } };

function expectValid(evidence: Awaited<ReturnType<typeof sliceEvidence>>): void {
  expect(schemaIssues('openvex@0.2.0', evidence.vex)).toEqual([]);
  expect(schemaIssues('reachability-slice-predicate@v1', evidence.statement.predicate)).toEqual([]);
  expect(schemaIssues('slice-response@v1', evidence.slice)).toEqual([]);
}

describe('sliceEvidence', () => {
  it('reachable: affected, the route as impact statement, an action statement, the artifact as product', async () => {
    const { digest, graph, facts } = await prepared(unconditional());
    const ev = await sliceEvidence(graph, facts, cve('CVE-2021-23337'), opts);
    expectValid(ev);
    expect(ev.slice.verdict).toBe('reachable');
    const [st] = ev.vex.statements;
    expect(st?.status).toBe('affected');
    expect(st?.impact_statement).toContain('src/server.js:main → … → lodash:template (1 path)');
    expect(st?.impact_statement).toContain(digest);
    expect(st?.action_statement).toContain('lodash:template');
    expect(st?.vulnerability).toEqual({ name: 'CVE-2021-23337' });
    expect(st?.products).toEqual([
      {
        '@id':
          'pkg:generic/svc.orders?checksum=sha256:4f9c5bd3f2b0a7f1d1d5a0c1e9e1f4b07a0a8e6cfc0b3d8e7d6a5b4c3d2e1f00',
        identifiers: {
          purl: 'pkg:generic/svc.orders?checksum=sha256:4f9c5bd3f2b0a7f1d1d5a0c1e9e1f4b07a0a8e6cfc0b3d8e7d6a5b4c3d2e1f00',
        },
        hashes: { 'sha-256': '4f9c5bd3f2b0a7f1d1d5a0c1e9e1f4b07a0a8e6cfc0b3d8e7d6a5b4c3d2e1f00' },
      },
    ]);
    expect(ev.vex).toMatchObject({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      author: 'Test Issuer',
      timestamp: '2025-12-19T10:00:00Z',
      version: 1,
    });
    expect(ev.statement.predicate?.witnesses).toEqual(ev.slice.paths);
    expect(ev.statement.predicate?.pathCount).toBe(1);
  });

  it('not_reachable: not_affected, vulnerable_code_not_in_execute_path, naming the graph', async () => {
    const { digest, graph, facts } = await prepared(disconnected());
    const ev = await sliceEvidence(graph, facts, cve('CVE-2021-23337'), opts);
    expectValid(ev);
    const [st] = ev.vex.statements;
    expect([ev.slice.verdict, st?.status, st?.justification]).toEqual([
      'not_reachable',
      'not_affected',
      'vulnerable_code_not_in_execute_path',
    ]);
    expect(st?.impact_statement).toBe(
      `No path from an entrypoint reaches the vulnerable code of CVE-2021-23337 (lodash:template) in reachability graph ${digest}.`,
    );
    expect(st?.action_statement).toBeUndefined();
    expect(ev.statement.predicate?.witnesses).toEqual([]);
  });

  it('unknown: under_investigation when no node carries the CVE', async () => {
    const { graph, facts } = await prepared(example());
    const ev = await sliceEvidence(graph, facts, cve('CVE-2099-0001'), opts);
    expectValid(ev);
    expect([ev.slice.verdict, ev.vex.statements[0]?.status]).toEqual(['unknown', 'under_investigation']);
    expect(ev.vex.statements[0]?.status_notes).toContain('No node of reachability graph');
  });

  it('the statement names the graph and the VEX document by digest, and the slice by its digest', async () => {
    const { digest, graph, facts } = await prepared(unconditional());
    const ev = await sliceEvidence(graph, facts, cve('CVE-2021-23337'), opts);
    const statement = parseStatement(canonicalize(ev.statement));
    expect(statement.predicateType).toBe(REACHABILITY_SLICE_PREDICATE_TYPE);
    expect(statement.subject).toEqual([
      { name: `reachgraph:${digest}`, digest: { blake3: digest.slice('blake3:'.length) } },
      { name: 'openvex.json', digest: { sha256: sha256Canonical(ev.vex).slice('sha256:'.length) } },
    ]);
    expect(ev.statement.predicate).toMatchObject({
      graphDigest: digest,
      query: { type: 'cve', cve: 'CVE-2021-23337' },
      sliceDigest: await blake3Canonical(ev.slice),
      vexDigest: sha256Canonical(ev.vex),
      inputs: facts.provenance.inputs,
      limits: opts.limits,
    });
    expect(ev.vexDigest).toBe(sha256Canonical(ev.vex));
    expect(ev.envelope).toBeNull();
  });

  it('without a provenance time the VEX timestamp is the epoch, never the clock', async () => {
    const doc = unconditional();
    delete doc.provenance.computedAt;
    const { graph, facts } = await prepared(doc);
    const ev = await sliceEvidence(graph, facts, cve('CVE-2021-23337'), opts);
    expect(ev.vex.timestamp).toBe('1970-01-01T00:00:00Z');
  });

  it('signs the canonical statement when given a signer; the envelope verifies and a changed payload does not', async () => {
    const key = generateKeyPairSync('ed25519');
    const pemOf = (k: typeof key.privateKey, type: 'pkcs8' | 'spki') =>
      String(k.export({ type, format: 'pem' }));
    const signer = createKeySigner(pemOf(key.privateKey, 'pkcs8'), { keyId: 'rg-1' });
    const { graph, facts } = await prepared(unconditional());
    const ev = await sliceEvidence(graph, facts, cve('CVE-2021-23337'), {
      ...opts,
      sign: async (payload) => ({
        envelope: await signEnvelope(payload, IN_TOTO_PAYLOAD_TYPE, [signer]),
        keyId: signer.keyId,
      }),
    });
    expect(ev.keyId).toBe('rg-1');
    const trusted = [{ keyId: 'rg-1', publicKeyPem: pemOf(key.publicKey, 'spki') }];
    const verified = await verifyEnvelope(ev.envelope, trusted);
    expect(Buffer.from(verified.payload).toString('utf8')).toBe(canonicalize(ev.statement));
    const tampered = {
      ...ev.envelope,
      payload: Buffer.from(canonicalize({ ...ev.statement, predicateType: 'x' })).toString('base64'),
    };
    await expect(verifyEnvelope(tampered, trusted)).rejects.toMatchObject({
      code: 'DSSE_VERIFICATION_FAILED',
    });
  });

  it('property: the same graph and query give byte-identical VEX and statement, valid, with the status its verdict implies', async () => {
    const STATUS = {
      reachable: 'affected',
      gated: 'affected',
      not_reachable: 'not_affected',
      unknown: 'under_investigation',
    } as const;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 6 }),
        async (seed, k) => {
          const doc = generateReachGraph({ nodes: 120, edges: 300, cves: 5, seed });
          const { graph, facts } = await prepared(doc);
          const query = cve(k < 5 ? (doc.scope.cves?.[k] ?? 'CVE-2099-0001') : 'CVE-2099-0001');
          const a = await sliceEvidence(graph, facts, query, opts);
          const b = await sliceEvidence(createGraph(doc, { digest: facts.digest }), facts, query, opts);
          expect(canonicalize(a.vex)).toBe(canonicalize(b.vex));
          expect(canonicalize(a.statement)).toBe(canonicalize(b.statement));
          expectValid(a);
          expect(a.vex.statements[0]?.status).toBe(STATUS[a.slice.verdict ?? 'unknown']);
          expect(a.statement.predicate?.witnesses.length).toBe(Math.min(20, a.slice.paths?.length ?? 0));
        },
      ),
      { numRuns: 25 },
    );
  });
});
