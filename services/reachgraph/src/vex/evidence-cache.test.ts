import { decodeEvidenceAnswer, encodeEvidenceAnswer, evidenceCacheKey } from './evidence-cache.js';

const answer = {
  sliceDigest: `blake3:${'a'.repeat(64)}`,
  etagDigest: `sha256:${'b'.repeat(64)}`,
  body: Buffer.from('{"payload":"x\\ny"}'),
};

describe('VEX answers in the slice caches', () => {
  it('reads back what it kept, a body with newlines included', () => {
    expect(decodeEvidenceAnswer(encodeEvidenceAnswer(answer))).toEqual(answer);
  });

  it.each([
    ['empty bytes', Buffer.alloc(0)],
    ['a JSON slice', Buffer.from('{"schemaVersion":"slice-response@v1"}')],
    ['one header line', Buffer.from(`${answer.sliceDigest}\n{}`)],
    ['headers that are not digests', Buffer.from('blake3:zz\nsha256:yy\n{}')],
  ])('takes %s for a miss', (_name, bytes) => {
    expect(decodeEvidenceAnswer(bytes)).toBeUndefined();
  });

  it('keys answers by everything they depend on', () => {
    const base = {
      format: 'openvex-dsse' as const,
      query: { type: 'cve' as const, cve: 'CVE-2021-23337' },
      author: 'A',
      limits: { maxNodes: 10, maxPaths: 5 },
      signerPublicKeyPem: 'key-1',
    };
    const keys = [
      base,
      { ...base, format: 'openvex' as const },
      { ...base, query: { ...base.query, cve: 'CVE-2021-44906' } },
      { ...base, author: 'B' },
      { ...base, limits: { maxNodes: 10, maxPaths: 4 } },
      { ...base, signerPublicKeyPem: 'key-2' },
    ].map(evidenceCacheKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    // The document is not signed: its key does not depend on the signing key.
    expect(evidenceCacheKey({ ...base, format: 'openvex', signerPublicKeyPem: 'key-2' })).toBe(keys[1]);
  });
});
