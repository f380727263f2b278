import {
  type DsseEnvelope,
  isCoreError,
  parseEnvelope,
  type TrustedKey,
  verifyEnvelope,
} from '@stella-ops/core';

/** Why an envelope was rejected: its structure (`ENVELOPE_INVALID`) or its signature. */
export class EnvelopeCheckError extends Error {
  constructor(
    readonly code: 'ENVELOPE_INVALID' | 'SIGNATURE_INVALID',
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EnvelopeCheckError';
  }
}

/** A verified envelope: the decoded payload and the trusted key ids that signed it. */
export interface CheckedEnvelope {
  envelope: DsseEnvelope;
  payload: Buffer;
  payloadType: string;
  keyIds: string[];
}

/**
 * Verifies a DSSE envelope (contract §10.8) against the service's trusted keys and returns its
 * payload; throws {@link EnvelopeCheckError} `ENVELOPE_INVALID` when it is not a DSSE envelope,
 * `SIGNATURE_INVALID` when no trusted key signed it. Callers choose the status: 422 for an
 * envelope a client sent, 502 for one read back from storage.
 */
export async function checkEnvelope(json: unknown, trusted: TrustedKey[]): Promise<CheckedEnvelope> {
  let envelope: DsseEnvelope;
  try {
    envelope = parseEnvelope(json);
  } catch (err) {
    throw new EnvelopeCheckError('ENVELOPE_INVALID', (err as Error).message, err);
  }
  if (trusted.length === 0)
    throw new EnvelopeCheckError('SIGNATURE_INVALID', 'no verification keys are configured');
  try {
    const verified = await verifyEnvelope(envelope, trusted);
    return {
      envelope,
      payload: Buffer.from(verified.payload),
      payloadType: verified.payloadType,
      keyIds: verified.keyIds,
    };
  } catch (err) {
    const code = isCoreError(err, 'DSSE_ENVELOPE_INVALID') ? 'ENVELOPE_INVALID' : 'SIGNATURE_INVALID';
    throw new EnvelopeCheckError(code, (err as Error).message, err);
  }
}
