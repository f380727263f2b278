import { assertUlid } from '@stella-ops/core';
import { principalOf, problems, readBody } from '@stella-ops/service-kit';
import type { Request, Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import type { AppContext } from '../context.js';
import { priorBatch } from '../facts/idempotent-batch.js';
import { ingestBatch } from '../facts/ingest-batch.js';
import { Timings } from '../timings.js';
import { idempotencyKey, isUniqueViolation } from './idempotency-key.js';
import { bodyKind, receivedAt, requireWritable } from './middleware.js';
import { queryParam, sha256Value } from './params.js';

function ndjsonTarget(req: Request): { callgraphId: string; source: string } {
  const callgraphId = queryParam(req, 'callgraphId');
  assertUlid(callgraphId, 'callgraphId');
  const source = queryParam(req, 'source');
  if (source === undefined || source.length < 1 || source.length > 256 || source.includes('\u0000')) {
    throw problems.badRequest(
      'QUERY_INVALID',
      'source (1–256 characters, no NUL) is required with an NDJSON batch',
    );
  }
  return { callgraphId, source };
}

/**
 * `POST /signals/runtime-facts` (contract §6.2): NDJSON facts with `?callgraphId=&source=`, or a
 * JSON `runtime-fact-batch@v1`; at most `Limits.MaxBatchBytes` (10 MiB) decompressed, else 413.
 * An `X-Provenance-Hash` header (or `provenanceHash` member) must equal the recomputed hash.
 * 201 with `Location` and `{provenance, attestation}`. With an `Idempotency-Key`, a retry of a
 * stored upload answers 200 with the batch stored the first time (same batchId).
 */
export function mountPostRuntimeFacts(router: Router, ctx: AppContext): void {
  router.post(
    '/runtime-facts',
    ...guard(ACCESS.writeRuntimeFacts, ctx.tenants),
    requireWritable(ctx),
    async (req, res) => {
      const kind = bodyKind(req, true);
      const target = kind === 'ndjson' ? ndjsonTarget(req) : undefined;
      const header = req.headers['x-provenance-hash'];
      const headerHash = header === undefined ? undefined : sha256Value(header, 'X-Provenance-Hash');
      const timings = new Timings();
      const body = await timings.time('read', () =>
        readBody(req, { maxBytes: ctx.cfg.limits.maxBatchBytes }),
      );
      const batch = await ctx.preparer.prepare({ body, kind, ...(target ? { target } : {}) });
      for (const [stage, ms] of Object.entries(batch.stages)) timings.add(stage, ms);
      if (headerHash !== undefined) {
        if (batch.clientHash !== undefined && batch.clientHash !== headerHash) {
          throw problems.unprocessable(
            'PROVENANCE_HASH_MISMATCH',
            'X-Provenance-Hash and provenanceHash differ',
          );
        }
        batch.clientHash = headerHash;
      }
      const { tenant } = principalOf(req);
      const key = idempotencyKey(req);
      const hashAgrees = batch.clientHash === undefined || batch.clientHash === batch.provenanceHash;
      // a retry of a stored upload (its answer was lost): the stored batch, 200
      let prior = key && hashAgrees ? await priorBatch(ctx, tenant, key, batch) : undefined;
      let result = prior;
      if (!result) {
        try {
          result = await ingestBatch(ctx, tenant, batch, receivedAt(res), timings, key);
        } catch (err) {
          // a concurrent retry with the same key stored it first
          if (!key || !isUniqueViolation(err, 'runtime_fact_batches_by_idempotency_key')) throw err;
          prior = await priorBatch(ctx, tenant, key, batch);
          if (!prior) throw err;
          result = prior;
        }
      }
      res
        .status(prior ? 200 : 201)
        .location(`/signals/runtime-facts/${result.provenance.batchId}`)
        .setHeader('Server-Timing', timings.header())
        .json({ provenance: result.provenance, attestation: result.attestation, merged: result.merged });
    },
  );
}
