import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { encodeCursor, type FeedCursor } from './feed-cursor.js';
import { type BatchIndexRow, readFacts } from './read-batch.js';

/** What `GET /signals/runtime-facts/ndjson` streams (contract §6.3). */
export interface FeedQuery {
  tenant: string;
  callgraphId?: string;
  /** Batches ingested at or after this time. */
  since?: Date;
  includeProvenance: boolean;
  /** Resume after this position. */
  after?: FeedCursor;
}

/** Output is handed to the socket in pieces of about this size. */
const CHUNK_CHARS = 64 * 1024;

function snapshotUpperBound(ctx: AppContext, tenant: string): Promise<string | null> {
  return ctx.db
    .selectFrom('runtime_fact_batches')
    .select((eb) => eb.fn.max('seq').as('max'))
    .where('tenant_id', '=', tenant)
    .where('indexed_at', '<', sql<Date>`now() - make_interval(secs => ${ctx.cfg.feed.settleMs / 1000})`)
    .executeTakeFirst()
    .then((r) => (r?.max === null || r?.max === undefined ? null : String(r.max)));
}

function page(ctx: AppContext, q: FeedQuery, afterSeq: string, upTo: string): Promise<BatchIndexRow[]> {
  let query = ctx.db
    .selectFrom('runtime_fact_batches')
    .selectAll()
    .where('tenant_id', '=', q.tenant)
    .where(sql<boolean>`seq > ${afterSeq}::bigint`)
    .where(sql<boolean>`seq <= ${upTo}::bigint`)
    .where('deleted_at', 'is', null);
  if (q.callgraphId) query = query.where('callgraph_id', '=', q.callgraphId);
  if (q.since) query = query.where('ingested_at', '>=', q.since);
  return query.orderBy('seq').limit(ctx.cfg.feed.batchesPerQuery).execute();
}

/**
 * The feed as text pieces of NDJSON, one `provenance-feed-line@v1` per fact: batches in feed
 * order (the order they were indexed), facts in stored order, each line with the cursor that
 * resumes after it. Memory stays bounded by one batch (at most 10 MiB): each batch is read and
 * verified against its provenance hash before any of its lines is emitted, and the consumer pulls
 * (backpressure). The stream ends at the newest batch indexed when it started; batches indexed
 * less than `Feed.SettleMs` ago wait for the next request, so a resumed cursor never skips one.
 */
export async function* feedLines(ctx: AppContext, q: FeedQuery): AsyncGenerator<string> {
  const upTo = await snapshotUpperBound(ctx, q.tenant);
  if (upTo === null) return;
  // The cursor's own batch is read again and resumes after its line; later batches from line 1.
  let afterSeq = q.after ? String(BigInt(q.after.seq) - 1n) : '0';
  let out = '';
  for (;;) {
    const rows = await page(ctx, q, afterSeq, upTo);
    if (rows.length === 0) break;
    for (const row of rows) {
      afterSeq = row.seq;
      const text = (await readFacts(ctx, row)).toString('utf8');
      const head = `{"batchId":"${row.batch_id}","ingestedAt":"${row.ingested_at.toISOString()}",`;
      const tail = q.includeProvenance
        ? `,"provenance_hash":"${row.provenance_hash}","callgraph_id":"${row.callgraph_id}"}\n`
        : '}\n';
      const skip = row.seq === q.after?.seq ? q.after.line : 0;
      let start = 0;
      let line = 0;
      while (start < text.length) {
        const end = text.indexOf('\n', start);
        const stop = end === -1 ? text.length : end;
        line++;
        if (line > skip) {
          const cursor = encodeCursor({ seq: row.seq, line });
          out += `${head}"fact":${text.slice(start, stop)},"cursor":"${cursor}"${tail}`;
          if (out.length >= CHUNK_CHARS) {
            yield out;
            out = '';
          }
        }
        start = stop + 1;
      }
    }
    if (rows.length < ctx.cfg.feed.batchesPerQuery) break;
  }
  if (out) yield out;
}
