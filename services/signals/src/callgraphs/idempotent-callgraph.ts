import { type CallgraphManifest, sha256 } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import type { AppContext } from '../context.js';
import type { ParsedCallgraph } from './parse-callgraph.js';

/**
 * The call graph an earlier upload with the same `Idempotency-Key` stored for `tenant`, if any.
 * The same key with other content is the client's mistake: 422 `IDEMPOTENCY_KEY_REUSED`.
 */
export async function priorCallgraph(
  ctx: AppContext,
  tenant: string,
  key: string,
  parsed: ParsedCallgraph,
): Promise<CallgraphManifest | undefined> {
  const row = await ctx.db
    .selectFrom('callgraphs')
    .select(['digest', 'manifest'])
    .where('tenant_id', '=', tenant)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.digest !== sha256(parsed.canonical)) {
    throw problems.unprocessable(
      'IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was used for another call graph; use a new key for new content',
    );
  }
  return row.manifest;
}
