import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertUlid } from '@stella-ops/core';
import { HttpProblem, principalOf } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import type { AppContext } from '../context.js';
import { feedLines } from '../facts/feed.js';
import { decodeCursor } from '../facts/feed-cursor.js';
import { boolParam, queryParam, timestampParam } from './params.js';

/**
 * `GET /signals/runtime-facts/ndjson?tenant=&callgraph_id=&since=&include_provenance=&cursor=`
 * (contract §6.3): every fact of the caller's tenant as `provenance-feed-line@v1` NDJSON, streamed
 * in constant memory. `tenant`, when given, must be the token's (403 `TENANT_MISMATCH`).
 */
export function mountStreamRuntimeFacts(router: Router, ctx: AppContext): void {
  router.get('/runtime-facts/ndjson', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const { tenant } = principalOf(req);
    const asked = queryParam(req, 'tenant');
    if (asked !== undefined && asked !== tenant) {
      throw new HttpProblem({
        status: 403,
        code: 'TENANT_MISMATCH',
        title: 'Forbidden',
        detail: 'tenant must be the tenant of the token',
      });
    }
    const callgraphId = queryParam(req, 'callgraph_id');
    if (callgraphId !== undefined) assertUlid(callgraphId, 'callgraph_id');
    const since = timestampParam(req, 'since');
    const cursor = queryParam(req, 'cursor');
    const lines = feedLines(ctx, {
      tenant,
      includeProvenance: boolParam(req, 'include_provenance'),
      ...(callgraphId ? { callgraphId } : {}),
      ...(since ? { since } : {}),
      ...(cursor ? { after: decodeCursor(cursor) } : {}),
    });
    // Pull the first piece before committing to 200, so early failures are proper problems.
    const first = await lines.next();
    res.status(200).type('application/x-ndjson').setHeader('Cache-Control', 'no-store');
    async function* all(): AsyncGenerator<string> {
      if (!first.done) yield first.value;
      yield* lines;
    }
    await pipeline(Readable.from(all(), { objectMode: false, highWaterMark: 64 * 1024 }), res);
  });
}
