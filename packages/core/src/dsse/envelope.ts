import { CoreError } from '../error.js';
import { decodeBase64 } from './base64.js';

/** One DSSE signature: standard base64 `sig`, and the signer's key id when known. */
export interface DsseSignature {
  keyid?: string;
  sig: string;
}

/** A DSSE envelope in its standard JSON form; `payload` and every `sig` are base64. */
export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

function invalid(message: string): CoreError {
  return new CoreError({ code: 'DSSE_ENVELOPE_INVALID', message: `DSSE envelope: ${message}` });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the structure of a DSSE envelope (already JSON-parsed) and returns a copy holding only the
 * DSSE fields. It verifies no signature. An empty `keyid` is treated as absent.
 * @throws CoreError `DSSE_ENVELOPE_INVALID` when `json` is not an object, a field is missing or
 * ill-typed, `payload` or a `sig` is not base64 (standard or URL-safe), a `sig` is empty, or there
 * are no signatures.
 */
export function parseEnvelope(json: unknown): DsseEnvelope {
  if (!isRecord(json)) throw invalid('not a JSON object');
  const { payload, payloadType, signatures } = json;
  if (typeof payload !== 'string') throw invalid('payload must be a string');
  if (decodeBase64(payload) === undefined) throw invalid('payload is not base64');
  if (typeof payloadType !== 'string') throw invalid('payloadType must be a string');
  if (!Array.isArray(signatures) || signatures.length === 0) {
    throw invalid('signatures must be a non-empty array');
  }
  const parsed = signatures.map((entry: unknown, i): DsseSignature => {
    if (!isRecord(entry)) throw invalid(`signatures[${i}] is not an object`);
    const { keyid, sig } = entry;
    if (typeof sig !== 'string' || sig.length === 0) throw invalid(`signatures[${i}].sig must be a string`);
    const sigBytes = decodeBase64(sig);
    if (sigBytes === undefined || sigBytes.length === 0) throw invalid(`signatures[${i}].sig is not base64`);
    if (keyid !== undefined && keyid !== null && typeof keyid !== 'string') {
      throw invalid(`signatures[${i}].keyid must be a string`);
    }
    return typeof keyid === 'string' && keyid !== '' ? { keyid, sig } : { sig };
  });
  return { payload, payloadType, signatures: parsed };
}
