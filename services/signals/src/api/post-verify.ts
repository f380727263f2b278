import { parseJsonBody, problems, readBody } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import type { AppContext } from '../context.js';
import { checkEnvelope, EnvelopeCheckError } from '../signing/envelope-check.js';

function decodedPayload(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * `POST /signals/verify` with `{envelope}`: checks a DSSE envelope (a manifest envelope or a batch
 * attestation) against the service's keys (contract §10.7, §10.8). 200 `{verified, keyIds,
 * payloadType, payload}`; 422 `ENVELOPE_INVALID` or `SIGNATURE_INVALID`.
 */
export function mountPostVerify(router: Router, ctx: AppContext): void {
  router.post('/verify', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const body = parseJsonBody(await readBody(req, { maxBytes: 4 * 1024 * 1024 }));
    const envelope = (body as { envelope?: unknown } | null)?.envelope;
    if (envelope === undefined)
      throw problems.unprocessable('ENVELOPE_INVALID', 'the body must be {"envelope": {...}}');
    try {
      const checked = await checkEnvelope(envelope, ctx.keys.trusted);
      res.json({
        verified: true,
        keyIds: checked.keyIds,
        payloadType: checked.payloadType,
        payload: decodedPayload(checked.payload) ?? checked.envelope.payload,
      });
    } catch (err) {
      if (err instanceof EnvelopeCheckError) throw problems.unprocessable(err.code, err.message);
      throw err;
    }
  });
}
