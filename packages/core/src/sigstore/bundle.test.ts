import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder } from '@sigstore/sign';
import { b64, caught, flip, generatePair, unb64 } from '../dsse/__tests__/fixtures.js';
import { keyIdFromPublicKey } from '../dsse/key-id.js';
import { signEnvelope } from '../dsse/sign-envelope.js';
import { createKeySigner } from '../dsse/signer.js';
import { verifyEnvelope } from '../dsse/verify-envelope.js';
import { type SigstoreBundle, signSigstoreBundle, toSigstoreBundle } from './bundle.js';
import { verifySigstoreBundle } from './verify-bundle.js';

const TYPE = 'application/vnd.in-toto+json';
const payload = new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1","subject":[]}');
const p256 = generatePair('p256');
const ed = generatePair('ed25519');
const other = generatePair('p256');

function withEnvelope(
  bundle: SigstoreBundle,
  change: (env: { payload: string; payloadType: string; sig: string }) => object,
) {
  const env = bundle.dsseEnvelope;
  if (env === undefined) throw new Error('no envelope');
  const sig = env.signatures[0]?.sig ?? '';
  return {
    ...bundle,
    dsseEnvelope: { ...env, ...change({ payload: env.payload, payloadType: env.payloadType, sig }) },
  };
}

describe('toSigstoreBundle', () => {
  it('wraps a signed envelope into a v0.3 public-key bundle with no online material', async () => {
    const signer = createKeySigner(p256.privateKeyPem, { keyId: 'signals-signer-2025-001' });
    const env = await signEnvelope(payload, TYPE, [signer]);
    const bundle = toSigstoreBundle(env, { publicKeyHint: signer.keyId });
    expect(bundle).toEqual({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        // Protobuf JSON (bundleToJSON) omits empty repeated fields: no tlog entries, no timestamps.
        publicKey: { hint: 'signals-signer-2025-001' },
        timestampVerificationData: {},
      },
      dsseEnvelope: {
        payload: env.payload,
        payloadType: TYPE,
        signatures: [{ keyid: 'signals-signer-2025-001', sig: env.signatures[0]?.sig }],
      },
    });
    // The envelope inside is still a plain DSSE envelope.
    await expect(
      verifyEnvelope(bundle.dsseEnvelope, [{ publicKeyPem: p256.publicKeyPem }]),
    ).resolves.toBeDefined();
  });

  it('picks the signature named by the hint from a multi-signature envelope', async () => {
    const env = await signEnvelope(payload, TYPE, [
      createKeySigner(p256.privateKeyPem, { keyId: 'a' }),
      createKeySigner(ed.privateKeyPem, { keyId: 'b' }),
    ]);
    const bundle = toSigstoreBundle(env, { publicKeyHint: 'b' });
    expect(bundle.dsseEnvelope?.signatures).toEqual([env.signatures[1]]);
    expect((await caught(() => toSigstoreBundle(env, { publicKeyHint: 'c' }))).code).toBe(
      'SIGSTORE_BUNDLE_INVALID',
    );
    expect((await caught(() => toSigstoreBundle(env, { publicKeyHint: '' }))).code).toBe(
      'SIGSTORE_BUNDLE_INVALID',
    );
    expect(
      (await caught(() => toSigstoreBundle({ ...env, signatures: [] }, { publicKeyHint: 'a' }))).code,
    ).toBe('DSSE_ENVELOPE_INVALID');
  });
});

describe('interop with @sigstore/sign', () => {
  it('DSSEBundleBuilder (no witnesses) with our Ed25519 signer gives the same bundle as toSigstoreBundle', async () => {
    // Ed25519 signatures are deterministic, so the two bundles must be identical byte for byte.
    const signer = createKeySigner(ed.privateKeyPem);
    const builder = new DSSEBundleBuilder({
      witnesses: [],
      signer: {
        sign: async (data) => ({
          signature: Buffer.from(await signer.sign(data)),
          key: { $case: 'publicKey', publicKey: ed.publicKeyPem, hint: signer.keyId },
        }),
      },
    });
    const built = bundleToJSON(await builder.create({ data: Buffer.from(payload), type: TYPE }));
    const ours = await signSigstoreBundle(payload, TYPE, signer);
    expect(JSON.stringify(ours)).toBe(JSON.stringify(built));
    await expect(verifySigstoreBundle(built, [{ publicKeyPem: ed.publicKeyPem }])).resolves.toMatchObject({
      payloadType: TYPE,
    });
  });
});

describe.each([
  ['P-256', p256],
  ['Ed25519', ed],
])('verifySigstoreBundle offline with a %s key', (_name, pair) => {
  const signer = createKeySigner(pair.privateKeyPem);
  const trusted = [{ publicKeyPem: other.publicKeyPem }, { publicKeyPem: pair.publicKeyPem }];
  let bundle: SigstoreBundle;
  beforeAll(async () => {
    bundle = await signSigstoreBundle(payload, TYPE, signer);
  });

  it('verifies our bundle and returns payload, type and key id', async () => {
    expect(bundle.verificationMaterial.publicKey?.hint).toBe(signer.keyId);
    const out = await verifySigstoreBundle(bundle, trusted);
    expect(out).toEqual({ payload, payloadType: TYPE, keyIds: [keyIdFromPublicKey(pair.publicKeyPem)] });
    // As JSON text too, and when the key is configured by hint.
    const byHint = [{ hint: signer.keyId, keyId: 'configured', publicKeyPem: pair.publicKeyPem }];
    expect((await verifySigstoreBundle(JSON.stringify(bundle), byHint)).keyIds).toEqual(['configured']);
  });

  it('fails on a tampered payload, payloadType or signature', async () => {
    const tampered = [
      withEnvelope(bundle, (e) => ({ payload: b64(flip(unb64(e.payload), 5)) })),
      withEnvelope(bundle, () => ({ payloadType: 'application/json' })),
      withEnvelope(bundle, (e) => ({
        signatures: [{ keyid: signer.keyId, sig: b64(flip(unb64(e.sig), 12)) }],
      })),
    ];
    for (const b of tampered) {
      expect((await caught(() => verifySigstoreBundle(b, trusted))).code).toBe(
        'SIGSTORE_VERIFICATION_FAILED',
      );
    }
  });

  it('really verifies the DSSE signature: a valid signature by another key under the same hint fails', async () => {
    const forged = await signEnvelope(payload, TYPE, [
      createKeySigner(other.privateKeyPem, { keyId: signer.keyId }),
    ]);
    const b = toSigstoreBundle(forged, { publicKeyHint: signer.keyId });
    expect((await caught(() => verifySigstoreBundle(b, trusted))).code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });

  it('fails on a hint no trusted key has', async () => {
    const env = await signEnvelope(payload, TYPE, [signer]);
    const b = toSigstoreBundle(env, { publicKeyHint: 'unknown-key' });
    expect((await caught(() => verifySigstoreBundle(b, trusted))).code).toBe('SIGSTORE_VERIFICATION_FAILED');
    expect((await caught(() => verifySigstoreBundle(bundle, []))).code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });

  it('fails when an identity is required (public-key bundles carry none)', async () => {
    const err = await caught(() => verifySigstoreBundle(bundle, trusted, { identity: { issuer: 'x' } }));
    expect(err.code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });

  it('fails when a transparency-log entry is required but there is none', async () => {
    const err = await caught(() => verifySigstoreBundle(bundle, trusted, { tlogThreshold: 1 }));
    expect(err.code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });
});

describe('verifySigstoreBundle input checks', () => {
  const trusted = [{ publicKeyPem: p256.publicKeyPem }];

  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 3],
    ['not JSON text', '{'],
    ['an empty object', {}],
    ['a bare DSSE envelope', { payload: 'aGk=', payloadType: 't', signatures: [{ sig: 'aGk=' }] }],
  ])('rejects %s with SIGSTORE_BUNDLE_INVALID', async (_what, input) => {
    expect((await caught(() => verifySigstoreBundle(input, trusted))).code).toBe('SIGSTORE_BUNDLE_INVALID');
  });

  it('rejects bundles that break the bundle rules: bad media type, two signatures, message signatures', async () => {
    const bundle = await signSigstoreBundle(payload, TYPE, createKeySigner(p256.privateKeyPem));
    const env = bundle.dsseEnvelope;
    if (env === undefined) throw new Error('no envelope');
    const cases: unknown[] = [
      { ...bundle, mediaType: 'application/json' },
      { ...bundle, dsseEnvelope: { ...env, signatures: [...env.signatures, ...env.signatures] } },
      {
        mediaType: bundle.mediaType,
        verificationMaterial: bundle.verificationMaterial,
        messageSignature: {
          messageDigest: { algorithm: 'SHA2_256', digest: env.payload },
          signature: env.payload,
        },
      },
    ];
    for (const input of cases) {
      expect((await caught(() => verifySigstoreBundle(input, trusted))).code).toBe('SIGSTORE_BUNDLE_INVALID');
    }
  });

  it('rejects an unusable trusted key with KEY_INVALID and a bad trusted root', async () => {
    const bundle = await signSigstoreBundle(payload, TYPE, createKeySigner(p256.privateKeyPem));
    const rsa = [{ publicKeyPem: generatePair('rsa').publicKeyPem }];
    expect((await caught(() => verifySigstoreBundle(bundle, rsa))).code).toBe('KEY_INVALID');
    const badRoot = await caught(() =>
      verifySigstoreBundle(bundle, trusted, { trustedRoot: { mediaType: 'x' } }),
    );
    expect(badRoot.code).toBe('SIGSTORE_VERIFICATION_FAILED');
  });
});
