import { stringBytes, stringValueBytes, typedArrayBytes } from './estimate.js';

describe('memory estimates', () => {
  it('count a string of one-byte characters at a byte each, others at two, rounded up to 8 past a header', () => {
    expect(stringBytes(0, true)).toBe(16);
    expect(stringBytes(28, true)).toBe(16 + 32);
    expect(stringBytes(28, false)).toBe(16 + 56);
    expect(stringValueBytes('café')).toBe(stringBytes(4, true));
    expect(stringValueBytes('λx')).toBe(stringBytes(2, false));
  });

  it('count a typed array view by the whole buffer it keeps alive', () => {
    const buffer = new ArrayBuffer(1024);
    expect(typedArrayBytes(new Uint32Array(buffer, 8, 4))).toBe(1024);
    expect(typedArrayBytes(null)).toBe(0);
  });
});
