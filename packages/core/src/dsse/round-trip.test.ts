import { caught, generatePair, mutatePayload, mutateSignatures, type PemPair } from './__tests__/fixtures.js';
import { keyIdFromPublicKey } from './key-id.js';
import { signEnvelope } from './sign-envelope.js';
import { createKeySigner, type Signer } from './signer.js';
import { verifyEnvelope } from './verify-envelope.js';

const payload = new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1"}');
const TYPE = 'application/vnd.in-toto+json';
const pairs: Record<'p256' | 'ed25519', PemPair[]> = {
  p256: [generatePair('p256'), generatePair('p256')],
  ed25519: [generatePair('ed25519'), generatePair('ed25519')],
};

describe.each(['p256', 'ed25519'] as const)('%s round trip', (kind) => {
  const [a, b] = pairs[kind] as [PemPair, PemPair];

  it('signs and verifies, returning payload, type and key id', async () => {
    const signer = createKeySigner(a.privateKeyPem);
    const env = await signEnvelope(payload, TYPE, [signer]);
    expect(env.signatures).toEqual([{ keyid: signer.keyId, sig: expect.any(String) }]);
    const out = await verifyEnvelope(env, [{ publicKeyPem: a.publicKeyPem }]);
    expect(out).toEqual({ payload, payloadType: TYPE, keyIds: [keyIdFromPublicKey(a.publicKeyPem)] });
  });

  it('fails with the wrong key, a changed payload or a changed signature', async () => {
    const env = await signEnvelope(payload, TYPE, [createKeySigner(a.privateKeyPem)]);
    const trusted = [{ publicKeyPem: a.publicKeyPem }];
    expect((await caught(() => verifyEnvelope(env, [{ publicKeyPem: b.publicKeyPem }]))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
    expect((await caught(() => verifyEnvelope(mutatePayload(env, 3), trusted))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
    expect((await caught(() => verifyEnvelope(mutateSignatures(env, 10), trusted))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
    expect((await caught(() => verifyEnvelope({ ...env, payloadType: 'x' }, trusted))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
    expect((await caught(() => verifyEnvelope(env, []))).code).toBe('DSSE_VERIFICATION_FAILED');
  });

  it('meets threshold 2 with two keys, and not with one', async () => {
    const env = await signEnvelope(payload, TYPE, [
      createKeySigner(a.privateKeyPem, { keyId: 'a' }),
      createKeySigner(b.privateKeyPem, { keyId: 'b' }),
    ]);
    const trusted = [
      { keyId: 'a', publicKeyPem: a.publicKeyPem },
      { keyId: 'b', publicKeyPem: b.publicKeyPem },
    ];
    expect((await verifyEnvelope(env, trusted, { threshold: 2 })).keyIds).toEqual(['a', 'b']);
    expect((await caught(() => verifyEnvelope(env, trusted, { threshold: 3 }))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
    const onlyA = { ...env, signatures: env.signatures.slice(0, 1) };
    expect((await caught(() => verifyEnvelope(onlyA, trusted, { threshold: 2 }))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
  });

  it('counts duplicate signatures by one key once', async () => {
    const signer = createKeySigner(a.privateKeyPem);
    const env = await signEnvelope(payload, TYPE, [signer, signer, signer]);
    expect(env.signatures).toHaveLength(3);
    const trusted = [{ publicKeyPem: a.publicKeyPem }, { publicKeyPem: b.publicKeyPem }];
    expect((await caught(() => verifyEnvelope(env, trusted, { threshold: 2 }))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
    // ... also when the same key is trusted twice under two ids.
    const twice = [
      { keyId: 'a1', publicKeyPem: a.publicKeyPem },
      { keyId: 'a2', publicKeyPem: a.publicKeyPem },
    ];
    expect((await caught(() => verifyEnvelope(env, twice, { threshold: 2 }))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
    expect((await verifyEnvelope(env, twice)).keyIds).toEqual(['a1']);
  });

  it('tries a signature whose keyid names a trusted key only against that key', async () => {
    // Signed by a, but labelled with b's key id: b does not verify it, and a is not tried.
    const env = await signEnvelope(payload, TYPE, [createKeySigner(a.privateKeyPem, { keyId: 'b' })]);
    const trusted = [
      { keyId: 'a', publicKeyPem: a.publicKeyPem },
      { keyId: 'b', publicKeyPem: b.publicKeyPem },
    ];
    expect((await caught(() => verifyEnvelope(env, trusted))).code).toBe('DSSE_VERIFICATION_FAILED');
    // With a key id no trusted key has, or none, every key is tried.
    const unknownId = await signEnvelope(payload, TYPE, [createKeySigner(a.privateKeyPem, { keyId: 'zzz' })]);
    expect((await verifyEnvelope(unknownId, trusted)).keyIds).toEqual(['a']);
    const noId = await signEnvelope(payload, TYPE, [createKeySigner(a.privateKeyPem, { keyId: '' })]);
    expect(noId.signatures[0]).not.toHaveProperty('keyid');
    expect((await verifyEnvelope(noId, trusted)).keyIds).toEqual(['a']);
  });

  it('accepts an envelope with one good and one bad signature at threshold 1', async () => {
    const env = await signEnvelope(payload, TYPE, [createKeySigner(a.privateKeyPem)]);
    const bad = mutateSignatures(env, 10).signatures[0];
    const mixed = { ...env, signatures: [...(bad ? [bad] : []), ...env.signatures] };
    expect(mixed.signatures).toHaveLength(2);
    await expect(verifyEnvelope(mixed, [{ publicKeyPem: a.publicKeyPem }])).resolves.toBeDefined();
  });
});

describe('signEnvelope / verifyEnvelope arguments', () => {
  const pair = pairs.p256[0] as PemPair;

  it('mixes P-256 and Ed25519 signers in one envelope', async () => {
    const ed = pairs.ed25519[0] as PemPair;
    const env = await signEnvelope(payload, TYPE, [
      createKeySigner(pair.privateKeyPem),
      createKeySigner(ed.privateKeyPem),
    ]);
    const out = await verifyEnvelope(
      env,
      [{ publicKeyPem: ed.publicKeyPem }, { publicKeyPem: pair.publicKeyPem }],
      {
        threshold: 2,
      },
    );
    expect(out.keyIds).toEqual([keyIdFromPublicKey(ed.publicKeyPem), keyIdFromPublicKey(pair.publicKeyPem)]);
  });

  it('needs at least one signer', async () => {
    expect((await caught(() => signEnvelope(payload, TYPE, []))).code).toBe('DSSE_ENVELOPE_INVALID');
  });

  it('propagates a failing signer', async () => {
    const broken: Signer = { keyId: 'x', sign: () => Promise.reject(new Error('kms down')) };
    await expect(signEnvelope(payload, TYPE, [broken])).rejects.toThrow('kms down');
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects threshold %p', async (threshold) => {
    const env = await signEnvelope(payload, TYPE, [createKeySigner(pair.privateKeyPem)]);
    const err = await caught(() => verifyEnvelope(env, [{ publicKeyPem: pair.publicKeyPem }], { threshold }));
    expect(err.code).toBe('DSSE_VERIFICATION_FAILED');
  });

  it.each(['rsa', 'p384'] as const)('rejects a trusted %s key with KEY_INVALID', async (kind) => {
    const env = await signEnvelope(payload, TYPE, [createKeySigner(pair.privateKeyPem)]);
    const trusted = [{ publicKeyPem: pair.publicKeyPem }, { publicKeyPem: generatePair(kind).publicKeyPem }];
    expect((await caught(() => verifyEnvelope(env, trusted))).code).toBe('KEY_INVALID');
  });
});
