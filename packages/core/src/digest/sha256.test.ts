import { createSha256Hasher, sha256 } from './sha256.js';

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ])('FIPS 180 known answer %#', (text, hex) => {
    expect(sha256(text)).toBe(`sha256:${hex}`);
    expect(sha256(new TextEncoder().encode(text))).toBe(`sha256:${hex}`);
  });

  it('hashes strings as UTF-8', () => {
    expect(sha256('é')).toBe(sha256(new Uint8Array([0xc3, 0xa9])));
    expect(sha256('é')).not.toBe(sha256(new Uint8Array([0xe9])));
  });

  it('hashes incrementally to the same digest', () => {
    const hasher = createSha256Hasher();
    hasher.update('ab').update(new Uint8Array([0x63]));
    expect(hasher.digest()).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
