import { parseNdjson, principalOf, readBody } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import { parseCallgraph } from '../callgraphs/parse-callgraph.js';
import { storeCallgraph } from '../callgraphs/store-callgraph.js';
import type { AppContext } from '../context.js';
import { Timings } from '../timings.js';
import { bodyKind, requireWritable } from './middleware.js';

/**
 * `POST /signals/callgraphs` (contract §6.1): NDJSON records, optionally gzip/deflate/zstd
 * `Content-Encoding`. 201 with `Location` and the signed manifest.
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
      const manifest = await storeCallgraph(ctx, tenant, parsed, timings);
      res
        .status(201)
        .location(`/signals/callgraphs/${manifest.graphId}`)
        .setHeader('Server-Timing', timings.header())
        .json(manifest);
    },
  );
}
