import { parseSingleByteaCopy } from '../db/tenant.js';

function copyOf(value: Buffer | null | 'no-row'): Buffer {
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
  const trailer = Buffer.from([0xff, 0xff]);
  if (value === 'no-row') return Buffer.concat([header, trailer]);
  const count = Buffer.alloc(2);
  count.writeInt16BE(1);
  const len = Buffer.alloc(4);
  len.writeInt32BE(value === null ? -1 : value.length);
  return Buffer.concat([header, count, len, value ?? Buffer.alloc(0), trailer]);
}

describe('parseSingleByteaCopy', () => {
  it('returns the raw bytes of the one value', () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]);
    expect(parseSingleByteaCopy(copyOf(bytes))).toEqual(bytes);
  });

  it('returns undefined for no row and for NULL', () => {
    expect(parseSingleByteaCopy(copyOf('no-row'))).toBeUndefined();
    expect(parseSingleByteaCopy(copyOf(null))).toBeUndefined();
  });

  it('rejects anything that is not binary COPY output', () => {
    expect(() => parseSingleByteaCopy(Buffer.from('not a copy stream at all'))).toThrow();
  });
});
