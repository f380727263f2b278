import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { caught, generatePair } from './__tests__/fixtures.js';
import { keyIdFromPublicKey } from './key-id.js';
import { publicKeyPemFromPrivate, publicKeyToJwk } from './public-key-export.js';
import { createKeySigner } from './signer.js';

const data = new TextEncoder().encode('DSSEv1 1 t 1 x');

describe('createKeySigner', () => {
  it('signs with ECDSA P-256 / SHA-256 in DER, and the default key id is sha256 of the SPKI DER', async () => {
    const { privateKeyPem, publicKeyPem } = generatePair('p256');
    const signer = createKeySigner(privateKeyPem);
    const spki = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(signer.keyId).toBe(`sha256:${createHash('sha256').update(spki).digest('hex')}`);
    const sig = await signer.sign(data);
    expect(sig[0]).toBe(0x30); // DER SEQUENCE, not raw r‖s
    expect(verify('sha256', data, { key: publicKeyPem, dsaEncoding: 'der' }, sig)).toBe(true);
    expect(verify('sha512', data, { key: publicKeyPem, dsaEncoding: 'der' }, sig)).toBe(false);
  });

  it('signs with Ed25519', async () => {
    const { privateKeyPem, publicKeyPem } = generatePair('ed25519');
    const sig = await createKeySigner(privateKeyPem).sign(data);
    expect(sig.length).toBe(64);
    expect(verify(null, data, publicKeyPem, sig)).toBe(true);
  });

  it('accepts a SEC1 "EC PRIVATE KEY" PEM and uses a configured key id', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      privateKeyEncoding: { type: 'sec1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(privateKey).toContain('BEGIN EC PRIVATE KEY');
    const signer = createKeySigner(privateKey, { keyId: 'signals-signer-2025-001' });
    expect(signer.keyId).toBe('signals-signer-2025-001');
    expect(verify('sha256', data, publicKey, await signer.sign(data))).toBe(true);
  });

  it.each(['rsa', 'p384', 'ed448'] as const)('rejects a %s key with KEY_INVALID', async (kind) => {
    const { privateKeyPem } = generatePair(kind);
    expect((await caught(() => createKeySigner(privateKeyPem))).code).toBe('KEY_INVALID');
  });

  it.each([
    ['garbage', 'not a key'],
    ['a public key', generatePair('p256').publicKeyPem],
    [
      'an encrypted key',
      generateKeyPairSync('ec', {
        namedCurve: 'prime256v1',
        privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey,
    ],
  ])('rejects %s with KEY_INVALID', async (_what, pem) => {
    expect((await caught(() => createKeySigner(pem))).code).toBe('KEY_INVALID');
  });
});

describe('key export', () => {
  it('derives the public PEM and the same key id from the private key', () => {
    const { privateKeyPem, publicKeyPem } = generatePair('ed25519');
    const derived = publicKeyPemFromPrivate(privateKeyPem);
    expect(derived).toBe(publicKeyPem);
    expect(keyIdFromPublicKey(derived)).toBe(createKeySigner(privateKeyPem).keyId);
    expect(keyIdFromPublicKey(privateKeyPem)).toBe(keyIdFromPublicKey(publicKeyPem));
  });

  it('gives different key ids to different keys', () => {
    expect(keyIdFromPublicKey(generatePair('p256').publicKeyPem)).not.toBe(
      keyIdFromPublicKey(generatePair('p256').publicKeyPem),
    );
  });

  it('exports P-256 as an ES256 JWK that imports back to the same key', () => {
    const { publicKeyPem } = generatePair('p256');
    const jwk = publicKeyToJwk(publicKeyPem, { kid: 'k1' });
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: 'k1' });
    const back = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
    expect(back.export({ type: 'spki', format: 'pem' })).toBe(publicKeyPem);
  });

  it('exports Ed25519 as an EdDSA OKP JWK without kid unless asked', () => {
    const { publicKeyPem } = generatePair('ed25519');
    const jwk = publicKeyToJwk(publicKeyPem);
    expect(jwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      alg: 'EdDSA',
      use: 'sig',
    });
    const back = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    expect(back.export({ type: 'spki', format: 'pem' })).toBe(publicKeyPem);
  });

  it('rejects unsupported or unreadable keys with KEY_INVALID', async () => {
    expect((await caught(() => publicKeyToJwk(generatePair('rsa').publicKeyPem))).code).toBe('KEY_INVALID');
    expect((await caught(() => publicKeyPemFromPrivate(generatePair('p384').privateKeyPem))).code).toBe(
      'KEY_INVALID',
    );
    expect((await caught(() => keyIdFromPublicKey('nope'))).code).toBe('KEY_INVALID');
  });
});
