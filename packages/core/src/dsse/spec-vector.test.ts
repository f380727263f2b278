// The DSSE specification's own example (protocol.md "Test Vectors"; facts in vectors/README.md §4):
// ECDSA P-256 / SHA-256 with a raw r‖s (IEEE P1363) signature.
import { b64, caught, flip, mutatePayload, mutateSignatures, unb64 } from './__tests__/fixtures.js';
import type { DsseEnvelope } from './envelope.js';
import { verifyEnvelope } from './verify-envelope.js';

const SPEC_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr
CrzAH3CVTAOQ0jgMeCvVTiaRJaRPRDOv8UMs6U4SvKc6pnrIDOoSYI3fdA==
-----END PUBLIC KEY-----
`;
const SPEC_SIG = 'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==';
const SPEC_ENVELOPE: DsseEnvelope = JSON.parse(
  `{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{"sig": "${SPEC_SIG}"}]}`,
);
const trusted = [{ publicKeyPem: SPEC_PUBLIC_KEY }];
const toUrlSafe = (s: string) => s.replaceAll('+', '-').replaceAll('/', '_');

describe('DSSE spec example', () => {
  it('verifies with the spec key (P1363 signature) and returns the payload', async () => {
    expect(unb64(SPEC_SIG).length).toBe(64);
    const out = await verifyEnvelope(SPEC_ENVELOPE, trusted);
    expect(new TextDecoder().decode(out.payload)).toBe('hello world');
    expect(out.payloadType).toBe('http://example.com/HelloWorld');
    expect(out.keyIds).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
  });

  it('verifies the reference implementation variant with keyid "66301bbf" (matching no trusted key id)', async () => {
    const env = { ...SPEC_ENVELOPE, signatures: [{ keyid: '66301bbf', sig: SPEC_SIG }] };
    await expect(verifyEnvelope(env, trusted)).resolves.toMatchObject({
      payloadType: SPEC_ENVELOPE.payloadType,
    });
  });

  it('verifies URL-safe base64, with and without padding', async () => {
    expect(toUrlSafe(SPEC_SIG)).not.toBe(SPEC_SIG);
    const urlSafe = { ...SPEC_ENVELOPE, signatures: [{ sig: toUrlSafe(SPEC_SIG) }] };
    await expect(verifyEnvelope(urlSafe, trusted)).resolves.toBeDefined();
    const unpadded = {
      ...SPEC_ENVELOPE,
      payload: 'aGVsbG8gd29ybGQ',
      signatures: [{ sig: toUrlSafe(SPEC_SIG).replace(/=+$/, '') }],
    };
    await expect(verifyEnvelope(unpadded, trusted)).resolves.toBeDefined();
  });

  it('verifies the same signature re-encoded as DER', async () => {
    const raw = unb64(SPEC_SIG);
    const int = (b: Uint8Array) => {
      let i = 0;
      while (i < b.length - 1 && b[i] === 0) i++;
      const v = b.slice(i);
      return (v[0] ?? 0) & 0x80 ? [0x02, v.length + 1, 0, ...v] : [0x02, v.length, ...v];
    };
    const body = [...int(raw.slice(0, 32)), ...int(raw.slice(32))];
    const der = new Uint8Array([0x30, body.length, ...body]);
    await expect(
      verifyEnvelope({ ...SPEC_ENVELOPE, signatures: [{ sig: b64(der) }] }, trusted),
    ).resolves.toBeDefined();
  });

  it.each([0, 5, 10])('fails when payload byte %i changes', async (index) => {
    const err = await caught(() => verifyEnvelope(mutatePayload(SPEC_ENVELOPE, index), trusted));
    expect(err.code).toBe('DSSE_VERIFICATION_FAILED');
  });

  it.each([0, 7, 28])('fails when payloadType byte %i changes', async (index) => {
    const type = new TextEncoder().encode(SPEC_ENVELOPE.payloadType);
    const env = { ...SPEC_ENVELOPE, payloadType: new TextDecoder().decode(flip(type, index)) };
    const err = await caught(() => verifyEnvelope(env, trusted));
    expect(err.code).toBe('DSSE_VERIFICATION_FAILED');
  });

  it.each([0, 31, 32, 63])('fails when signature byte %i changes', async (index) => {
    const err = await caught(() => verifyEnvelope(mutateSignatures(SPEC_ENVELOPE, index), trusted));
    expect(err.code).toBe('DSSE_VERIFICATION_FAILED');
  });

  it('fails with a different trusted key', async () => {
    const other = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1Olb3zMAFFxXKHiIkQO5cJ3Yhl5i6UPp+IhuteBJbuHcA5UogKo0EWtlWwW6KSaKoTNEYL7JlCQiVnkhBktUgg==
-----END PUBLIC KEY-----`;
    const err = await caught(() => verifyEnvelope(SPEC_ENVELOPE, [{ publicKeyPem: other }]));
    expect(err.code).toBe('DSSE_VERIFICATION_FAILED');
  });
});
