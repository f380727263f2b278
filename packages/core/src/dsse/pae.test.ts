import { Buffer } from 'node:buffer';
import { pae } from './pae.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

describe('pae', () => {
  it('matches the DSSE spec test vector byte for byte', () => {
    const out = pae('http://example.com/HelloWorld', text('hello world'));
    expect(out.length).toBe(54);
    expect(Buffer.from(out).toString('latin1')).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    expect(hex(out)).toBe(
      '44535345763120323920687474703a2f2f6578616d706c652e636f6d2f48656c6c6f576f726c642031312068656c6c6f20776f726c64',
    );
  });

  it('counts UTF-8 bytes of a non-ASCII payload type, not UTF-16 code units', () => {
    // "ü" is 2 UTF-8 bytes, "🙂" is 4 (2 UTF-16 code units): 14 characters, 17 bytes.
    const type = 'application/ü🙂';
    expect(type.length).toBe(15);
    const out = pae(type, text('x'));
    const expected = Buffer.concat([
      Buffer.from('DSSEv1 18 '),
      Buffer.from(type, 'utf8'),
      Buffer.from(' 1 x'),
    ]);
    expect(hex(out)).toBe(hex(expected));
  });

  it('encodes empty type and empty body with zero lengths', () => {
    expect(Buffer.from(pae('', new Uint8Array())).toString('latin1')).toBe('DSSEv1 0  0 ');
  });

  it('keeps binary payload bytes as they are and counts them', () => {
    const body = new Uint8Array([0, 255, 32, 10, 0x80]);
    const out = pae('t', body);
    expect(hex(out)).toBe(`${hex(text('DSSEv1 1 t 5 '))}00ff200a80`);
  });
});
