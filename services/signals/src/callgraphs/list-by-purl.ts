import { type CallgraphManifest, createPurlMatcher, isUlid, parsePurl } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import type { AppContext } from '../context.js';
import { purlKey } from './purl-key.js';

/** One page of call graphs of a component. */
export interface PurlPage {
  items: CallgraphManifest[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Every live call graph of the caller's tenant whose component matches `pattern` (contract §6.1):
 * purls compare normalized; a versionless pattern matches every version, `@4.*` every 4.x;
 * qualifiers and subpath narrow the match when given (core `purlMatches`). Ordered by graph id
 * (creation order); the cursor is the last graph id of the page.
 */
export async function listByPurl(
  ctx: AppContext,
  tenant: string,
  pattern: string,
  opts: { cursor?: string; limit: number },
): Promise<PurlPage> {
  const parsed = parsePurl(pattern, { lenient: true });
  const matches = createPurlMatcher(pattern);
  if (opts.cursor !== undefined && !isUlid(opts.cursor)) {
    throw problems.badRequest('CURSOR_INVALID', 'cursor is not one this endpoint returned');
  }
  const version = parsed.version;
  const items: CallgraphManifest[] = [];
  let after = opts.cursor ?? '';
  for (;;) {
    const want = opts.limit + 1 - items.length;
    let q = ctx.db
      .selectFrom('callgraphs')
      .select(['graph_id', 'component_purl', 'manifest'])
      .where('tenant_id', '=', tenant)
      .where('purl_key', '=', purlKey(parsed))
      .where('deleted_at', 'is', null)
      .where('graph_id', '>', after)
      .orderBy('graph_id')
      .limit(want);
    if (version !== null) {
      q = version.endsWith('*')
        ? q.where('purl_version', 'like', likePrefix(version.slice(0, -1)))
        : q.where('purl_version', '=', version);
    }
    const rows = await q.execute();
    for (const row of rows) {
      after = row.graph_id;
      if (!matches(row.component_purl)) continue;
      items.push(row.manifest);
      if (items.length > opts.limit) break;
    }
    if (items.length > opts.limit || rows.length < want) break;
  }
  if (items.length > opts.limit) {
    const page = items.slice(0, opts.limit);
    return { items: page, nextCursor: page[page.length - 1]?.graphId as string };
  }
  return { items };
}
