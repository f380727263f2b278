import { CoreError } from '../error.js';
import { encodeBase64 } from './base64.js';
import type { DsseEnvelope, DsseSignature } from './envelope.js';
import { pae } from './pae.js';
import type { Signer } from './signer.js';

/**
 * Signs `payload` as a DSSE envelope: every signer signs `PAE(payloadType, payload)`, and the
 * envelope carries one signature per signer (with `keyid` = the signer's key id, omitted when empty),
 * in the order given. Payload and signatures are standard base64.
 * @throws CoreError `DSSE_ENVELOPE_INVALID` when `signers` is empty; a signer's own error otherwise.
 */
export async function signEnvelope(
  payload: Uint8Array,
  payloadType: string,
  signers: Signer[],
): Promise<DsseEnvelope> {
  if (signers.length === 0) {
    throw new CoreError({
      code: 'DSSE_ENVELOPE_INVALID',
      message: 'DSSE envelope: at least one signer is required',
    });
  }
  const message = pae(payloadType, payload);
  const signatures = await Promise.all(
    signers.map(async (signer): Promise<DsseSignature> => {
      const sig = encodeBase64(await signer.sign(message));
      return signer.keyId === '' ? { sig } : { keyid: signer.keyId, sig };
    }),
  );
  return { payload: encodeBase64(payload), payloadType, signatures };
}
