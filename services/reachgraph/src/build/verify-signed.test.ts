import { generateKeyPairSync } from 'node:crypto';
import {
  type CallgraphManifest,
  canonicalize,
  createKeySigner,
  createStatement,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  RUNTIME_FACTS_PREDICATE_TYPE,
  type RuntimeFactProvenance,
  signEnvelope,
  type TrustedKey,
} from '@stella-ops/core';
import { MANIFEST_PAYLOAD_TYPE, verifyAttestation, verifyManifest } from './verify-signed.js';

const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey'], type: 'pkcs8' | 'spki') =>
  String(k.export({ type, format: 'pem' }));
const signals = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const TRUSTED: TrustedKey[] = [{ keyId: 'signals-1', publicKeyPem: pem(signals.publicKey, 'spki') }];
const signer = createKeySigner(pem(signals.privateKey, 'pkcs8'), { keyId: 'signals-1' });
const strangerSigner = createKeySigner(pem(stranger.privateKey, 'pkcs8'), { keyId: 'signals-1' });

const GRAPH = '01HWXYZ123456789ABCDEFGHJK';
const BATCH = '01HWXYZ123456789ABCDEFGHJN';
const DIGEST = `sha256:${'7'.repeat(64)}`;
const HASH = `sha256:${'a'.repeat(64)}`;
const MANIFEST: CallgraphManifest = {
  graphId: GRAPH,
  digest: DIGEST,
  language: 'javascript',
  source: 'test',
  createdAt: '2026-01-01T00:00:00Z',
  tenantId: 'tenant-a',
  componentPurl: 'pkg:npm/app@1.0.0',
  entryPoints: [],
  nodeCount: 1,
  edgeCount: 0,
};
const PROVENANCE = { batchId: BATCH, provenanceHash: HASH, callgraphId: GRAPH } as RuntimeFactProvenance;

const signManifest = (m: CallgraphManifest, by = signer, type = MANIFEST_PAYLOAD_TYPE) =>
  signEnvelope(Buffer.from(canonicalize(m)), type, [by]);
const attest = (predicate: Record<string, unknown>, by = signer, type = RUNTIME_FACTS_PREDICATE_TYPE) =>
  signEnvelope(
    Buffer.from(
      JSON.stringify(createStatement([{ name: GRAPH, digest: { sha256: 'a'.repeat(64) } }], type, predicate)),
    ),
    IN_TOTO_PAYLOAD_TYPE,
    [by],
  );
const code = (code: string) => expect.objectContaining({ code });

describe('verifyManifest', () => {
  it('accepts a manifest signed by a trusted key that names the downloaded digest', async () => {
    const envelope = await signManifest(MANIFEST);
    await expect(
      verifyManifest({ manifest: { ...MANIFEST, signature: 'x' }, envelope }, TRUSTED, {
        graphId: GRAPH,
        digest: DIGEST,
      }),
    ).resolves.toBeUndefined();
  });

  it('INPUT_SIGNATURE_INVALID: unsigned, an untrusted key, no keys configured, another payload or type', async () => {
    const expected = { graphId: GRAPH, digest: DIGEST };
    const good = await signManifest(MANIFEST);
    const cases: [CallgraphManifest, DsseEnvelope | null, TrustedKey[]][] = [
      [MANIFEST, null, TRUSTED],
      [MANIFEST, await signManifest(MANIFEST, strangerSigner), TRUSTED],
      [MANIFEST, good, []],
      [{ ...MANIFEST, nodeCount: 2 }, good, TRUSTED],
      [MANIFEST, await signManifest(MANIFEST, signer, 'application/json'), TRUSTED],
      [{ ...MANIFEST, graphId: BATCH }, await signManifest({ ...MANIFEST, graphId: BATCH }), TRUSTED],
    ];
    for (const [manifest, envelope, keys] of cases) {
      await expect(verifyManifest({ manifest, envelope }, keys, expected)).rejects.toEqual(
        code('INPUT_SIGNATURE_INVALID'),
      );
    }
  });

  it('INPUT_DIGEST_MISMATCH when the signed manifest names other bytes', async () => {
    const envelope = await signManifest(MANIFEST);
    await expect(
      verifyManifest({ manifest: MANIFEST, envelope }, TRUSTED, {
        graphId: GRAPH,
        digest: `sha256:${'0'.repeat(64)}`,
      }),
    ).rejects.toEqual(expect.objectContaining({ code: 'INPUT_DIGEST_MISMATCH', status: 502 }));
  });
});

describe('verifyAttestation', () => {
  const expected = { batchId: BATCH, provenanceHash: HASH };

  it('accepts an in-toto runtime-facts statement for this batch and hash', async () => {
    const attestation = await attest({ batchId: BATCH, provenanceHash: HASH });
    await expect(
      verifyAttestation({ provenance: PROVENANCE, attestation }, TRUSTED, expected),
    ).resolves.toBeUndefined();
  });

  it('INPUT_SIGNATURE_INVALID: unattested, untrusted signer, other predicate type, another batch', async () => {
    const cases: (DsseEnvelope | null)[] = [
      null,
      await attest({ batchId: BATCH, provenanceHash: HASH }, strangerSigner),
      await attest({ batchId: BATCH, provenanceHash: HASH }, signer, 'https://example.com/other'),
      await attest({ batchId: GRAPH, provenanceHash: HASH }),
      await signManifest(MANIFEST),
    ];
    for (const attestation of cases) {
      await expect(
        verifyAttestation({ provenance: PROVENANCE, attestation }, TRUSTED, expected),
      ).rejects.toEqual(code('INPUT_SIGNATURE_INVALID'));
    }
  });

  it('INPUT_DIGEST_MISMATCH when the attestation or the provenance record names another hash', async () => {
    const other = `sha256:${'b'.repeat(64)}`;
    const attested = await attest({ batchId: BATCH, provenanceHash: other });
    await expect(
      verifyAttestation({ provenance: PROVENANCE, attestation: attested }, TRUSTED, expected),
    ).rejects.toEqual(code('INPUT_DIGEST_MISMATCH'));
    const good = await attest({ batchId: BATCH, provenanceHash: HASH });
    await expect(
      verifyAttestation(
        { provenance: { ...PROVENANCE, provenanceHash: other }, attestation: good },
        TRUSTED,
        expected,
      ),
    ).rejects.toEqual(code('INPUT_DIGEST_MISMATCH'));
  });
});
