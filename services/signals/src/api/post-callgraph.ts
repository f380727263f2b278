import { parseNdjson, principalOf, readBody } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import { priorCallgraph } from '../callgraphs/idempotent-callgraph.js';
import { parseCallgraph } from '../callgraphs/parse-callgraph.js';
import { storeCallgraph } from '../callgraphs/store-callgraph.js';
import type { AppContext } from '../context.js';
import { Timings } from '../timings.js';
import { idempotencyKey, isUniqueViolation } from './idempotency-key.js';
import { bodyKind, requireWritable } from './middleware.js';

/**
 * `POST /signals/callgraphs` (contract §6.1): NDJSON records, optionally gzip/deflate/zstd
 * `Content-Encoding`. 201 with `Location` and the signed manifest. With an `Idempotency-Key`, a
 * retry of a stored upload answers 200 with the call graph stored the first time (same graphId).
 */
export function mountPostCallgraph(router: Router, ctx: AppContext): void {
  router.post(
    '/callgraphs',
    ...guard(ACCESS.writeCallgraphs, ctx.tenants),
    requireWritable(ctx),
    async (req, res) => {
      bodyKind(req, false);
      const { tenant } = principalOf(req);
      const timings = new Timings();
      const body = await timings.time('read', () =>
        readBody(req, { maxBytes: ctx.cfg.limits.maxCallgraphBytes }),
      );
      const lines = timings.timeSync('parse', () => parseNdjson(body));
      const parsed = timings.timeSync('validate', () => parseCallgraph(lines));
      const key = idempotencyKey(req);
      // a retry of a stored upload (its answer was lost): the stored call graph, 200
      let prior = key ? await priorCallgraph(ctx, tenant, key, parsed) : undefined;
      let manifest = prior;
      if (!manifest) {
        try {
          manifest = await storeCallgraph(ctx, tenant, parsed, timings, key);
        } catch (err) {
          // a concurrent retry with the same key stored it first
          if (!key || !isUniqueViolation(err, 'callgraphs_by_idempotency_key')) throw err;
          prior = await priorCallgraph(ctx, tenant, key, parsed);
          if (!prior) throw err;
          manifest = prior;
        }
      }
      res
        .status(prior ? 200 : 201)
        .location(`/signals/callgraphs/${manifest.graphId}`)
        .setHeader('Server-Timing', timings.header())
        .json(manifest);
    },
  );
}
