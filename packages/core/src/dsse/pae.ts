const SP = 0x20;
const PREFIX = new TextEncoder().encode('DSSEv1');

/**
 * DSSE v1 Pre-Authentication Encoding: the exact bytes a DSSE signature covers.
 *
 * `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where `LEN` is the
 * ASCII decimal byte length (no leading zeros) and the type is encoded as UTF-8, so `LEN(type)`
 * counts bytes, not UTF-16 code units.
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const encoder = new TextEncoder();
  const type = encoder.encode(payloadType);
  const typeLen = encoder.encode(String(type.length));
  const bodyLen = encoder.encode(String(payload.length));
  const out = new Uint8Array(
    PREFIX.length + 1 + typeLen.length + 1 + type.length + 1 + bodyLen.length + 1 + payload.length,
  );
  let at = 0;
  for (const part of [PREFIX, typeLen, type, bodyLen]) {
    out.set(part, at);
    at += part.length;
    out[at++] = SP;
  }
  out.set(payload, at);
  return out;
}
