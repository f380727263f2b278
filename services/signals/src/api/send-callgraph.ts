import { pipeline } from 'node:stream/promises';
import { principalOf } from '@stella-ops/service-kit';
import type { Request, Response } from 'express';
import { REACHGRAPH_PRINCIPAL } from '../access/access-rules.js';
import { type CallgraphIndexRow, openCallgraph, recordReference } from '../callgraphs/read-callgraph.js';
import type { AppContext } from '../context.js';

/**
 * Call graphs up to this size are read and verified in full before the answer starts, so a stored
 * blob that fails its digest check is a clean 502 `BLOB_INTEGRITY_FAILED`. Larger ones are streamed
 * and verified as they go: a mismatch can then only cut the response.
 */
export const VERIFY_BEFORE_SENDING_BYTES = 16 * 1024 * 1024;

function setHeaders(res: Response, row: CallgraphIndexRow): void {
  res.status(200);
  res.setHeader('Content-Type', 'application/x-ndjson');
  res.setHeader('Content-Length', String(row.size));
  res.setHeader('ETag', `"${row.digest}"`);
  res.setHeader('X-Callgraph-Id', row.graph_id);
  res.setHeader('X-Content-Digest', row.digest);
}

/**
 * Sends a call graph's canonical NDJSON, verified against its digest. A read by ReachGraph pins the
 * graph against orphan GC.
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
  if (Number(row.size) <= VERIFY_BEFORE_SENDING_BYTES) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer); // throws on a digest mismatch
    setHeaders(res, row);
    res.end(Buffer.concat(chunks));
    return;
  }
  setHeaders(res, row);
  await pipeline(stream, res);
}
