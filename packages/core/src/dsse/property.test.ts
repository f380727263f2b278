import fc from 'fast-check';
import { b64, caught, flip, generatePair, unb64 } from './__tests__/fixtures.js';
import { signEnvelope } from './sign-envelope.js';
import { createKeySigner } from './signer.js';
import { verifyEnvelope } from './verify-envelope.js';

const keys = { p256: generatePair('p256'), ed25519: generatePair('ed25519') };

describe.each(['p256', 'ed25519'] as const)('%s properties', (kind) => {
  const { privateKeyPem, publicKeyPem } = keys[kind];
  const signer = createKeySigner(privateKeyPem);
  const trusted = [{ publicKeyPem }];
  const payloadType = fc.string({ unit: 'grapheme', maxLength: 40 });

  it('sign → verify returns the same payload and type for any payload and payloadType', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), payloadType, async (payload, type) => {
        const out = await verifyEnvelope(await signEnvelope(payload, type, [signer]), trusted);
        expect(out.payload).toEqual(payload);
        expect(out.payloadType).toBe(type);
      }),
      { numRuns: 60 },
    );
  });

  it('any single-byte change of the payload fails verification', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        payloadType,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (payload, type, at, mask) => {
          const env = await signEnvelope(payload, type, [signer]);
          const mutated = { ...env, payload: b64(flip(unb64(env.payload), at % payload.length, mask)) };
          expect((await caught(() => verifyEnvelope(mutated, trusted))).code).toBe(
            'DSSE_VERIFICATION_FAILED',
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any change of the payloadType fails verification', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        payloadType,
        payloadType,
        async (payload, type, other) => {
          fc.pre(type !== other);
          const env = await signEnvelope(payload, type, [signer]);
          expect((await caught(() => verifyEnvelope({ ...env, payloadType: other }, trusted))).code).toBe(
            'DSSE_VERIFICATION_FAILED',
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
