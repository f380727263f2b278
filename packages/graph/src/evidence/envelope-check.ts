import { keyIdFromPublicKey, type TrustedKey, verifyEnvelope } from '@stella-ops/core';

/** An envelope that verified: its payload and the ids of the keys that signed it. */
export interface EnvelopeVerified {
  ok: true;
  payload: Buffer;
  payloadType: string;
  keyIds: string[];
}

/** An envelope that did not verify, and why. */
export interface EnvelopeRejected {
  ok: false;
  why: string;
}

/** Verifies a DSSE envelope against `keys` without throwing. */
export async function checkEnvelope(
  envelope: unknown,
  keys: TrustedKey[],
): Promise<EnvelopeVerified | EnvelopeRejected> {
  if (keys.length === 0) return { ok: false, why: 'no key to verify it with' };
  try {
    const v = await verifyEnvelope(envelope, keys);
    return { ok: true, payload: Buffer.from(v.payload), payloadType: v.payloadType, keyIds: v.keyIds };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

/** Keys that load, and a note for each one that does not (unreadable PEM, same keyid twice). */
export function usableKeys(keys: readonly { keyid: string; publicKeyPem: string }[]): {
  keys: TrustedKey[];
  problems: string[];
} {
  const usable: TrustedKey[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.keyid)) {
      problems.push(`keyid ${k.keyid} is listed twice`);
      continue;
    }
    seen.add(k.keyid);
    try {
      keyIdFromPublicKey(k.publicKeyPem);
      usable.push({ keyId: k.keyid, publicKeyPem: k.publicKeyPem });
    } catch (err) {
      problems.push(`keyid ${k.keyid}: ${(err as Error).message}`);
    }
  }
  return { keys: usable, problems };
}
