import { caught } from './__tests__/fixtures.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { parseEnvelope } from './envelope.js';
import { verifyEnvelope } from './verify-envelope.js';

const SIG = 'MEUCIQ==';
const good = { payload: 'aGk=', payloadType: 't', signatures: [{ sig: SIG }] };

describe('parseEnvelope', () => {
  it('accepts a minimal envelope and keeps only DSSE fields', () => {
    expect(parseEnvelope({ ...good, extra: 1, signatures: [{ sig: SIG, keyid: 'k', other: 2 }] })).toEqual({
      payload: 'aGk=',
      payloadType: 't',
      signatures: [{ keyid: 'k', sig: SIG }],
    });
  });

  it('treats an empty or null keyid as absent and accepts an empty payload', () => {
    const out = parseEnvelope({
      payload: '',
      payloadType: '',
      signatures: [
        { keyid: '', sig: SIG },
        { keyid: null, sig: SIG },
      ],
    });
    expect(out.signatures).toEqual([{ sig: SIG }, { sig: SIG }]);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [good]],
    ['a string', JSON.stringify(good)],
    ['missing payload', { payloadType: 't', signatures: [{ sig: SIG }] }],
    ['numeric payload', { ...good, payload: 1 }],
    ['payload not base64', { ...good, payload: 'a b' }],
    ['payload with bad padding', { ...good, payload: 'aGk==' }],
    ['payload with non-canonical trailing bits', { ...good, payload: 'aGl=' }],
    ['payload of impossible length', { ...good, payload: 'aGkxY' }],
    ['payload mixing alphabets', { ...good, payload: 'a+_b' }],
    ['missing payloadType', { payload: 'aGk=', signatures: [{ sig: SIG }] }],
    ['payloadType not a string', { ...good, payloadType: ['t'] }],
    ['missing signatures', { payload: 'aGk=', payloadType: 't' }],
    ['empty signatures', { ...good, signatures: [] }],
    ['signatures not an array', { ...good, signatures: { sig: SIG } }],
    ['a signature that is not an object', { ...good, signatures: ['x'] }],
    ['a signature without sig', { ...good, signatures: [{ keyid: 'k' }] }],
    ['an empty sig', { ...good, signatures: [{ sig: '' }] }],
    ['a sig of only padding', { ...good, signatures: [{ sig: '==' }] }],
    ['a sig that is not base64', { ...good, signatures: [{ sig: 'not base64!' }] }],
    ['a numeric keyid', { ...good, signatures: [{ keyid: 7, sig: SIG }] }],
  ])('rejects %s with DSSE_ENVELOPE_INVALID', async (_what, input) => {
    expect((await caught(() => parseEnvelope(input))).code).toBe('DSSE_ENVELOPE_INVALID');
    const trusted = [{ publicKeyPem: '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----' }];
    // verifyEnvelope checks structure before it looks at keys.
    expect((await caught(() => verifyEnvelope(input, trusted))).code).toBe('DSSE_ENVELOPE_INVALID');
  });
});

describe('base64', () => {
  it('round-trips bytes through standard base64 and decodes URL-safe and unpadded forms', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x00, 0x3e]);
    expect(encodeBase64(bytes)).toBe('+/+/AD4=');
    for (const form of ['+/+/AD4=', '+/+/AD4', '-_-_AD4=', '-_-_AD4']) {
      expect(decodeBase64(form)).toEqual(bytes);
    }
    expect(decodeBase64('')).toEqual(new Uint8Array());
  });

  it.each(['+/+/AD4==', '+/+/AD5=', '-/+/AD4=', 'AD4 ', '\nAD4=', 'A', '=', 'AD=4'])('rejects %j', (s) => {
    expect(decodeBase64(s)).toBeUndefined();
  });
});
