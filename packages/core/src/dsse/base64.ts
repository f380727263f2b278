import { Buffer } from 'node:buffer';

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Standard base64 with padding, as DSSE envelopes are written. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes standard or URL-safe base64, with or without padding (the DSSE spec asks verifiers to
 * accept both alphabets). Strict, unlike `Buffer.from(s, 'base64')`: one alphabet per string, no
 * whitespace, padding only where it belongs, and the encoding must be canonical (unused trailing
 * bits zero), so every byte string has exactly one accepted spelling per alphabet and padding style.
 * Returns `undefined` when `s` is not such a string.
 */
export function decodeBase64(s: string): Uint8Array | undefined {
  if (!STANDARD.test(s) && !URL_SAFE.test(s)) return undefined;
  const body = s.replace(/=+$/, '');
  const padding = s.length - body.length;
  if (body.length % 4 === 1) return undefined;
  if (padding > 0 && s.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(body, body.includes('-') || body.includes('_') ? 'base64url' : 'base64');
  const canonical = decoded.toString('base64url');
  if (canonical !== body.replaceAll('+', '-').replaceAll('/', '_')) return undefined;
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
