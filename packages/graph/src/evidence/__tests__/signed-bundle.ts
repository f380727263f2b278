import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  blake3,
  canonicalize,
  canonicalizeToBytes,
  createKeySigner,
  createStatement,
  IN_TOTO_PAYLOAD_TYPE,
  REACHABILITY_SLICE_PREDICATE_TYPE,
  REACHGRAPH_PAYLOAD_TYPE,
  type ReachGraph,
  RUNTIME_FACTS_PREDICATE_TYPE,
  reachGraphDigest,
  reachGraphPayload,
  type Signer,
  sha256,
  signEnvelope,
} from '@stella-ops/core';
import { loadGraph } from '../../model/load-graph.js';
import { sliceGraph } from '../../slice/slice-graph.js';
import { GRAPH_PACKAGE_VERSION } from '../../version.js';
import { createEvidenceBundle } from '../create-evidence-bundle.js';
import { CALLGRAPH_MANIFEST_PAYLOAD_TYPE, type EvidenceBundle } from '../evidence-bundle.js';

/** A P-256 key pair as PEM, with a signer under `keyId`. */
export interface TestKey {
  keyId: string;
  publicKeyPem: string;
  signer: Signer;
}

export function testKey(keyId: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePem = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    keyId,
    publicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })),
    signer: createKeySigner(privatePem, { keyId }),
  };
}

const EXAMPLE = new URL(
  '../../../../../schemas/examples/reachgraph-min.v1/valid-express-lodash.json',
  import.meta.url,
);
const CVE = 'CVE-2021-23337';
const GRAPH_ID = '01HWXYZ123456789ABCDEFGHJK';
const BATCH_ID = '01HWXYZ123456789ABCDEFGHJN';
const PROVENANCE_HASH = `sha256:${'a'.repeat(64)}`;

/** What a test bundle is made of: its keys, and options. */
export interface BundleOptions {
  reachgraphKey: TestKey;
  signalsKey: TestKey;
  /** Sign the graph (default true). */
  signGraph?: boolean;
  /** Include the canonical graph (default true). */
  includeGraph?: boolean;
  /** The VEX status to sign (default `affected`, what the example's verdict implies). */
  vexStatus?: string;
}

const encode = (value: unknown) => Buffer.from(canonicalize(value), 'utf8');

/**
 * A bundle like the service makes for a graph built from Signals: a call graph manifest and a
 * runtime-fact batch signed by the Signals key, a sink list, the graph and the slice statement
 * signed by the ReachGraph key.
 */
export async function signedBundle(opts: BundleOptions): Promise<EvidenceBundle> {
  const { reachgraphKey: rg, signalsKey: signals } = opts;
  const base = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as ReachGraph;
  const sinks = [{ cve: CVE, purl: 'pkg:npm/lodash@4.17.20', symbol: 'template' }];
  const sinksDigest = sha256(encode(sinks));
  const manifest = {
    graphId: GRAPH_ID,
    digest: `sha256:${'7'.repeat(64)}`,
    language: 'javascript',
    source: 'test',
    createdAt: '2025-12-19T10:00:00Z',
    tenantId: 'tenant-001',
    componentPurl: 'pkg:npm/orders-api@1.0.0',
    entryPoints: ['app:handler'],
    nodeCount: 3,
    edgeCount: 2,
    signerKeyId: signals.keyId,
  };
  const graph: ReachGraph = {
    ...base,
    provenance: {
      ...base.provenance,
      inputs: [
        { kind: 'callgraph', digest: manifest.digest, id: GRAPH_ID },
        { kind: 'runtime-facts', digest: PROVENANCE_HASH, id: BATCH_ID },
        { kind: 'sinks', digest: sinksDigest },
      ],
    },
  };
  const graphDigest = await reachGraphDigest(graph);
  const provenance = {
    provenanceId: '01HWXYZ123456789ABCDEFGHJP',
    callgraphId: GRAPH_ID,
    batchId: BATCH_ID,
    ingestedAt: '2025-12-19T10:05:02Z',
    receivedAt: '2025-12-19T10:05:01Z',
    tenantId: 'tenant-001',
    source: 'agent',
    pipelineVersion: 'abc123',
    provenanceHash: PROVENANCE_HASH,
    signerKeyId: signals.keyId,
    factCount: 1,
    factTypes: ['invocation' as const],
  };
  const factStatement = createStatement(
    [{ name: GRAPH_ID, digest: { sha256: '7'.repeat(64) } }],
    RUNTIME_FACTS_PREDICATE_TYPE,
    {
      batchId: BATCH_ID,
      provenanceHash: PROVENANCE_HASH,
      factCount: 1,
      timestamp: '2025-12-19T10:05:02Z',
      subjects: [GRAPH_ID],
      tenantId: 'tenant-001',
    },
  );
  const engine = {
    name: '@stella-ops/graph',
    version: GRAPH_PACKAGE_VERSION,
    maxNodes: 50_000,
    maxPaths: 1000,
  };
  const slice = sliceGraph(await loadGraph(graph), { type: 'cve', cve: CVE }, engine);
  const sliceDigest = await blake3(canonicalizeToBytes(slice));
  const vex: EvidenceBundle['vex'] = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://stella-ops.org/vex/${graphDigest}`,
    author: 'Stella Reach',
    timestamp: '2025-12-19T10:00:00Z',
    version: 1,
    statements: [
      {
        vulnerability: { name: CVE },
        products: [{ '@id': 'pkg:npm/orders-api@1.0.0' }],
        status: (opts.vexStatus ?? 'affected') as 'affected',
        action_statement: 'entrypoint → lodash.template',
      },
    ],
  };
  const vexDigest = sha256(encode(vex));
  const statement = createStatement(
    [
      { name: `reachgraph:${graphDigest}`, digest: { blake3: graphDigest.slice('blake3:'.length) } },
      { name: 'openvex.json', digest: { sha256: vexDigest.slice('sha256:'.length) } },
    ],
    REACHABILITY_SLICE_PREDICATE_TYPE,
    {
      graphDigest,
      artifact: { name: graph.artifact.name, digest: graph.artifact.digest },
      query: slice.query,
      verdict: slice.verdict,
      sinks: slice.sinks,
      witnesses: (slice.paths ?? []).slice(0, 20),
      pathCount: (slice.paths ?? []).length,
      truncated: slice.truncated,
      limits: { maxNodes: engine.maxNodes, maxPaths: engine.maxPaths },
      sliceDigest,
      vexDigest,
      engine: { name: engine.name, version: engine.version },
      inputs: graph.provenance.inputs,
      analyzer: graph.provenance.analyzer,
    },
  );
  const manifestEnvelope = await signEnvelope(encode(manifest), CALLGRAPH_MANIFEST_PAYLOAD_TYPE, [
    signals.signer,
  ]);
  return createEvidenceBundle({
    graphDigest,
    slice,
    sliceDigest,
    vex,
    statement,
    envelope: await signEnvelope(encode(statement), IN_TOTO_PAYLOAD_TYPE, [rg.signer]),
    graphEnvelope:
      opts.signGraph === false
        ? null
        : await signEnvelope(reachGraphPayload(graph), REACHGRAPH_PAYLOAD_TYPE, [rg.signer]),
    ...(opts.includeGraph === false
      ? {}
      : { graphDocument: JSON.parse(Buffer.from(reachGraphPayload(graph)).toString('utf8')) }),
    callgraphs: [
      {
        manifest: {
          ...manifest,
          signature: manifestEnvelope.signatures[0]?.sig ?? '',
        } as EvidenceBundle['inputs']['callgraphs'][number]['manifest'],
        envelope: manifestEnvelope,
      },
    ],
    runtimeFacts: [
      {
        provenance,
        attestation: await signEnvelope(encode(factStatement), IN_TOTO_PAYLOAD_TYPE, [signals.signer]),
      },
    ],
    documents: [{ kind: 'sinks', digest: sinksDigest, content: sinks }],
    keys: [
      { keyid: rg.keyId, publicKeyPem: rg.publicKeyPem },
      { keyid: signals.keyId, publicKeyPem: signals.publicKeyPem },
    ],
    engine,
  });
}
