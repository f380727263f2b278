import { canonicalize } from '@stella-ops/core';
import fc from 'fast-check';
import { signedBundle, type TestKey, testKey } from './__tests__/signed-bundle.js';
import type { BundleCheckName, BundleVerification, EvidenceBundle } from './evidence-bundle.js';
import { verifyEvidenceBundle } from './verify-evidence-bundle.js';

const rg = testKey('reachgraph-test');
const signals = testKey('signals-test');
const attacker = testKey('reachgraph-test');
const trusted = (...keys: TestKey[]) => keys.map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem }));

let good: EvidenceBundle;
beforeAll(async () => {
  good = await signedBundle({ reachgraphKey: rg, signalsKey: signals });
});

const copy = () => structuredClone(good);
const statusOf = (v: BundleVerification, name: BundleCheckName) =>
  v.checks.find((c) => c.name === name)?.status;
const failedNames = (v: BundleVerification) =>
  v.checks.filter((c) => c.status === 'failed').map((c) => c.name);
const detailOf = (v: BundleVerification, name: BundleCheckName) =>
  v.checks.find((c) => c.name === name)?.detail ?? '';

describe('verifyEvidenceBundle', () => {
  it('passes every check of a complete signed bundle; trust is skipped without pinned keys', async () => {
    const v = await verifyEvidenceBundle(good);
    expect(failedNames(v)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.checks.filter((c) => c.status === 'skipped').map((c) => c.name)).toEqual(['trust']);
    expect(detailOf(v, 'trust')).toMatch(/intact, not who signed it/);
    expect(detailOf(v, 'slice.replay')).toMatch(/the same slice/);
  });

  it('reports trust ok when every envelope is signed by a pinned key', async () => {
    const v = await verifyEvidenceBundle(good, { trustedKeys: trusted(rg, signals) });
    expect(v.ok).toBe(true);
    expect(statusOf(v, 'trust')).toBe('ok');
  });

  it('fails trust, and only trust, for a bundle re-signed and re-keyed by someone else', async () => {
    const forged = await signedBundle({ reachgraphKey: attacker, signalsKey: signals });
    const v = await verifyEvidenceBundle(forged, { trustedKeys: trusted(rg, signals) });
    expect(failedNames(v)).toEqual(['trust']);
    expect(detailOf(v, 'trust')).toMatch(/slice statement envelope is not signed by a trusted key/);
  });

  it('fails vex.digest for a flipped byte in the OpenVEX document', async () => {
    const b = copy();
    const s = b.vex.statements[0] as { action_statement: string };
    s.action_statement = s.action_statement.replace('e', 'f');
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['vex.digest']);
    expect(detailOf(v, 'vex.digest')).toMatch(/the predicate's vexDigest is sha256:/);
  });

  it('fails predicate.claim and slice.digest for a changed verdict', async () => {
    const b = copy();
    b.slice.verdict = good.slice.verdict === 'unknown' ? 'not_reachable' : 'unknown';
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(
      expect.arrayContaining(['predicate.claim', 'slice.digest', 'slice.replay']),
    );
    expect(detailOf(v, 'predicate.claim')).toMatch(
      `the predicate's verdict is ${String(good.slice.verdict)}, the slice's ${String(b.slice.verdict)}`,
    );
  });

  it('fails predicate.claim for a signed VEX status the verdict does not imply', async () => {
    const b = await signedBundle({
      reachgraphKey: rg,
      signalsKey: signals,
      vexStatus: 'under_investigation',
    });
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['predicate.claim']);
    expect(detailOf(v, 'predicate.claim')).toMatch(
      /VEX statement 0 says under_investigation, the verdict \w+ means affected/,
    );
  });

  it('fails slice.digest for a changed slice path', async () => {
    const b = copy();
    const path = b.slice.paths?.[0] as { hops: { to: string }[] } | undefined;
    expect(path).toBeDefined();
    (path as { hops: { to: string }[] }).hops.reverse();
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toContain('slice.digest');
    expect(detailOf(v, 'slice.digest')).toMatch(/the predicate's sliceDigest is blake3:/);
  });

  it('fails the envelopes for a swapped bundled key', async () => {
    const b = copy();
    const k = b.keys.find((key) => key.keyid === rg.keyId) as { publicKeyPem: string };
    k.publicKeyPem = attacker.publicKeyPem;
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['graph.envelope', 'slice.envelope']);
    expect(detailOf(v, 'slice.envelope')).toMatch(/does not verify against the bundled keys/);
  });

  it('fails slice.envelope for a removed statement envelope, and inputs.* for removed input envelopes', async () => {
    const b = copy();
    b.attestation.envelope = null;
    (b.inputs.callgraphs[0] as { envelope: unknown }).envelope = null;
    (b.inputs.runtimeFacts[0] as { attestation: unknown }).attestation = null;
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['slice.envelope', 'inputs.callgraphs', 'inputs.runtimeFacts']);
    expect(detailOf(v, 'slice.envelope')).toMatch(/not signed: nothing vouches for the claim/);
  });

  it('fails graph.digest for a changed byte of the included graph', async () => {
    const b = copy();
    const doc = b.graph.document as { nodes: { line?: number }[] };
    (doc.nodes[0] as { line?: number }).line = ((doc.nodes[0] as { line?: number }).line ?? 0) + 1;
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['graph.digest']);
    expect(detailOf(v, 'graph.digest')).toMatch(/the included graph is blake3:[0-9a-f]{64}, not/);
  });

  it('fails inputs.runtimeFacts for an altered provenance record', async () => {
    const b = copy();
    (b.inputs.runtimeFacts[0] as { provenance: { factCount: number } }).provenance.factCount = 2;
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['inputs.runtimeFacts']);
    expect(detailOf(v, 'inputs.runtimeFacts')).toMatch(/factCount is 2 in the record, 1 in the attestation/);
  });

  it('fails inputs.provenance for evidence of an input the graph does not name', async () => {
    const b = copy();
    const sinks = [{ cve: 'CVE-2020-8203', purl: 'pkg:npm/lodash@4.17.20', symbol: 'zipObjectDeep' }];
    const { sha256 } = await import('@stella-ops/core');
    b.inputs.documents.push({
      kind: 'sinks',
      digest: sha256(Buffer.from(canonicalize(sinks))),
      content: sinks,
    });
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['inputs.provenance']);
    expect(detailOf(v, 'inputs.provenance')).toMatch(/is not an input of the graph/);
  });

  it('fails inputs.documents for an altered sink list', async () => {
    const b = copy();
    (b.inputs.documents[0] as { content: { symbol: string }[] }).content[0]!.symbol = 'merge';
    const v = await verifyEvidenceBundle(b);
    expect(failedNames(v)).toEqual(['inputs.documents']);
  });

  it('recomputes from the signed envelope when the graph is not included', async () => {
    const b = await signedBundle({ reachgraphKey: rg, signalsKey: signals, includeGraph: false });
    const v = await verifyEvidenceBundle(b);
    expect(v.ok).toBe(true);
    expect(statusOf(v, 'graph.digest')).toBe('skipped');
    expect(detailOf(v, 'slice.replay')).toMatch(/from the graph's signed envelope/);
  });

  it('skips what needs the graph when it is neither signed nor included', async () => {
    const b = await signedBundle({
      reachgraphKey: rg,
      signalsKey: signals,
      includeGraph: false,
      signGraph: false,
    });
    const v = await verifyEvidenceBundle(b);
    expect(v.ok).toBe(true);
    expect(statusOf(v, 'graph.envelope')).toBe('skipped');
    expect(statusOf(v, 'slice.replay')).toBe('skipped');
    expect(detailOf(v, 'inputs.provenance')).toMatch(/names are bundled/);
  });

  it('fails only schema, without throwing, for something that is not a bundle', async () => {
    for (const input of [null, 'x', { schemaVersion: 'reachgraph.bundle@v1' }]) {
      const v = await verifyEvidenceBundle(input);
      expect(v.ok).toBe(false);
      expect(failedNames(v)).toEqual(['schema']);
    }
  });
});

/** Every leaf of the signed parts of a bundle, as a path from the root. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => leaves(v, [...path, k]));
}

describe('verifyEvidenceBundle (property)', () => {
  it('detects any single-field change to a signed part', async () => {
    const b = good as unknown as Record<string, unknown>;
    const inputs = good.inputs as unknown as Record<string, unknown[]>;
    const signedPaths = [
      ...leaves(b['vex'], ['vex']),
      ...leaves(b['slice'], ['slice']),
      ...leaves(good.attestation.statement, ['attestation', 'statement']),
      ...leaves(good.graph.document, ['graph', 'document']),
      // A DSSE signature's keyid is a hint, not signed: any change to the rest is detected.
      ...leaves(good.attestation.envelope, ['attestation', 'envelope']).filter((p) => p.at(-1) !== 'keyid'),
      ...leaves(good.graph.envelope, ['graph', 'envelope']).filter((p) => p.at(-1) !== 'keyid'),
      ...leaves(inputs['callgraphs'], ['inputs', 'callgraphs']).filter(
        (p) => p.at(-1) !== 'rekorUuid' && p.at(-1) !== 'keyid',
      ),
      ...leaves(inputs['runtimeFacts'], ['inputs', 'runtimeFacts']).filter(
        (p) => p[3] === 'attestation' && p.at(-1) !== 'keyid',
      ),
      ...leaves(inputs['documents'], ['inputs', 'documents']),
      ...['batchId', 'provenanceHash', 'factCount', 'tenantId', 'callgraphId'].map((f) => [
        'inputs',
        'runtimeFacts',
        0,
        'provenance',
        f,
      ]),
      ['graphDigest'],
      ['sliceDigest'],
      ['keys', 0, 'publicKeyPem'],
      ['keys', 1, 'publicKeyPem'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...signedPaths), fc.nat(), async (path, salt) => {
        const bundle = structuredClone(good) as unknown as Record<string | number, unknown>;
        let parent = bundle;
        for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        const key = path.at(-1) as string | number;
        const old = parent[key];
        parent[key] =
          typeof old === 'number'
            ? old + 1 + (salt % 7)
            : typeof old === 'boolean'
              ? !old
              : typeof old === 'string'
                ? `${old.slice(0, -1)}${old.endsWith('0') ? '1' : '0'}`
                : `changed-${salt}`;
        const v = await verifyEvidenceBundle(bundle);
        expect({ path, ok: v.ok }).toEqual({ path, ok: false });
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
