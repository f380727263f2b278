// Real Sigstore bundles (vectors/README.md §6), verified fully offline with the public-good trusted
// root that is checked in: the Fulcio chain is checked at the Rekor entry's integrated time (the
// leaf certificates expired ten minutes after issue, so the time must come from the log, whose
// signed entry timestamp is verified against the root's Rekor key), SCTs against the CT log keys,
// and the log entry's body against the envelope.
import { X509Certificate } from 'node:crypto';
import { caught, vector, vectorJson } from '../dsse/__tests__/fixtures.js';
import { parseStatement } from '../dsse/in-toto.js';
import { verifyEnvelope } from '../dsse/verify-envelope.js';
import { verifySigstoreBundle } from './verify-bundle.js';

const ROOT = vectorJson('sigstore/sigstore-go/examples/trusted-root-public-good.json');
const CONFORMANCE = 'sigstore/sigstore-conformance/test/assets/bundle-verify';
const IDENTITY = {
  subjectAlternativeName:
    'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};
const NPM_HINT = 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA';

interface CertBundle {
  verificationMaterial: { certificate: { rawBytes: string } };
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid?: string }[] };
}
const conformance = (name: string) => vectorJson(`${CONFORMANCE}/${name}/bundle.sigstore.json`) as CertBundle;
const leafKeyPem = (b: CertBundle) =>
  new X509Certificate(Buffer.from(b.verificationMaterial.certificate.rawBytes, 'base64')).publicKey
    .export({ type: 'spki', format: 'pem' })
    .toString();

describe('sigstore-go bundle-publish.json (npm publish attestation, public-key hint)', () => {
  const bundle = vectorJson('sigstore/sigstore-go/examples/bundle-publish.json') as {
    dsseEnvelope: CertBundle['dsseEnvelope'];
  };
  const publicKeyPem = vector('sigstore/sigstore-go/examples/publish_key.pub');

  it('its DSSE envelope (DER signature) verifies with verifyEnvelope and publish_key.pub', async () => {
    const out = await verifyEnvelope(bundle.dsseEnvelope, [{ keyId: NPM_HINT, publicKeyPem }]);
    expect(out.keyIds).toEqual([NPM_HINT]);
    expect(out.payload.length).toBe(414);
    const st = parseStatement(out.payload);
    expect(st.subject[0]?.name).toBe('pkg:npm/sigstore@1.3.0');
  });

  it('verifies as a bundle offline, including its Rekor entry (SET and intoto body)', async () => {
    const out = await verifySigstoreBundle(bundle, [{ hint: NPM_HINT, publicKeyPem }], { trustedRoot: ROOT });
    expect(out.keyIds).toEqual([NPM_HINT]);
    expect(out.payloadType).toBe('application/vnd.in-toto+json');
  });

  it('fails without the trusted root: its Rekor entry cannot be checked and is not silently skipped', async () => {
    const err = await caught(() => verifySigstoreBundle(bundle, [{ hint: NPM_HINT, publicKeyPem }]));
    expect(err.code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });
});

describe('sigstore-conformance bundle-verify (certificate bundles, Rekor dsse 0.0.1 entries)', () => {
  it('happy-path-intoto-in-dsse-v3 verifies with its signer identity', async () => {
    const bundle = conformance('happy-path-intoto-in-dsse-v3');
    const out = await verifySigstoreBundle(bundle, [], { trustedRoot: ROOT, identity: IDENTITY });
    expect(out.identity).toEqual(IDENTITY);
    expect(parseStatement(out.payload).subject[0]?.digest.sha256).toBe(
      'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf',
    );
    // Its envelope also verifies on its own with the leaf certificate's key.
    const env = await verifyEnvelope(bundle.dsseEnvelope, [{ publicKeyPem: leafKeyPem(bundle) }]);
    expect(out.keyIds).toEqual(env.keyIds);
  });

  it('happy path fails for another identity, and without the trusted root', async () => {
    const bundle = conformance('happy-path-intoto-in-dsse-v3');
    const wrong = { ...IDENTITY, issuer: 'https://accounts.google.com' };
    expect(
      (await caught(() => verifySigstoreBundle(bundle, [], { trustedRoot: ROOT, identity: wrong }))).code,
    ).toBe('SIGSTORE_VERIFICATION_FAILED');
    expect((await caught(() => verifySigstoreBundle(bundle, []))).code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });

  it('happy path fails when its tlog entry is removed (no time to check the certificate at)', async () => {
    const bundle = conformance('happy-path-intoto-in-dsse-v3') as CertBundle & {
      verificationMaterial: { tlogEntries: unknown[] };
    };
    const stripped = { ...bundle, verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [] } };
    const err = await caught(() =>
      verifySigstoreBundle(stripped, [], { trustedRoot: ROOT, tlogThreshold: 0, timestampThreshold: 0 }),
    );
    expect(err.code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });

  it('dsse-invalid-sig_fail fails at envelope verification, and as a bundle', async () => {
    const bundle = conformance('dsse-invalid-sig_fail');
    const err = await caught(() =>
      verifyEnvelope(bundle.dsseEnvelope, [{ publicKeyPem: leafKeyPem(bundle) }]),
    );
    expect(err.code).toBe('DSSE_VERIFICATION_FAILED');
    expect((await caught(() => verifySigstoreBundle(bundle, [], { trustedRoot: ROOT }))).code).toBe(
      'SIGSTORE_VERIFICATION_FAILED',
    );
  });

  it('dsse-mismatch-envelope_fail: the envelope alone verifies, the bundle fails on the tlog body', async () => {
    const bundle = conformance('dsse-mismatch-envelope_fail');
    // The envelope's own signature is valid: only comparing it with the Rekor entry catches this.
    await expect(
      verifyEnvelope(bundle.dsseEnvelope, [{ publicKeyPem: leafKeyPem(bundle) }]),
    ).resolves.toBeDefined();
    const err = await caught(() =>
      verifySigstoreBundle(bundle, [], { trustedRoot: ROOT, identity: IDENTITY }),
    );
    expect(err.code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });
});
