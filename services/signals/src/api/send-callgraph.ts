import { pipeline } from 'node:stream/promises';
import { principalOf } from '@stella-ops/service-kit';
import type { Request, Response } from 'express';
import { REACHGRAPH_PRINCIPAL } from '../access/access-rules.js';
import { type CallgraphIndexRow, openCallgraph, recordReference } from '../callgraphs/read-callgraph.js';
import type { AppContext } from '../context.js';

/**
 * Streams a call graph's canonical NDJSON, verified against its digest as it goes (a mismatch
 * cuts the response). A read by ReachGraph pins the graph against orphan GC.
 */
export async function sendCallgraph(
  ctx: AppContext,
  req: Request,
  res: Response,
  row: CallgraphIndexRow,
): Promise<void> {
  if (principalOf(req).principal === REACHGRAPH_PRINCIPAL) {
    await recordReference(ctx, row.graph_id, `principal:${REACHGRAPH_PRINCIPAL}`);
  }
  const stream = await openCallgraph(ctx, row);
  res.status(200);
  res.setHeader('Content-Type', 'application/x-ndjson');
  res.setHeader('Content-Length', String(row.size));
  res.setHeader('ETag', `"${row.digest}"`);
  res.setHeader('X-Callgraph-Id', row.graph_id);
  res.setHeader('X-Content-Digest', row.digest);
  await pipeline(stream, res);
}
