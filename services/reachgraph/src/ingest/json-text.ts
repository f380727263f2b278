import { Buffer, isAscii } from 'node:buffer';

/**
 * The text of a body that is all ASCII, as a one-byte string (decoded as Latin-1, which for bytes
 * up to 0x7f is the same text as UTF-8); undefined for any other body. `JSON.parse` reads it ~1.6×
 * faster than `TextDecoder`'s output (50 MB graph: ~290 vs ~470 ms).
 */
export function asciiText(body: Uint8Array): string | undefined {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return isAscii(buf) ? buf.toString('latin1') : undefined;
}

/** The body decoded as UTF-8 (invalid sequences replaced), through {@link asciiText} when it can. */
export function utf8Text(body: Uint8Array): string {
  return asciiText(body) ?? new TextDecoder().decode(body);
}
