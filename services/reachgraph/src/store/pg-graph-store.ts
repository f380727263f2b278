import { newUlid } from '@stella-ops/core';
import { sql } from 'kysely';
import type pg from 'pg';
import { jsonbText } from '../db/jsonb.js';
import type { SignatureRow, SubgraphMeta } from '../db/schema/index.js';
import { qb, tenantHasGraph, withTenant } from '../db/tenant.js';
import type {
  Actor,
  GraphFilter,
  GraphMeta,
  GraphStore,
  ListPosition,
  NewGraph,
  ReplayLogEntry,
} from './graph-store.js';

const DIGEST = /^blake3:[a-f0-9]{64}$/;

/** The binary form's placeholder until the index worker's answer is written (same transaction). */
const EMPTY = Buffer.alloc(0);

const META_COLUMNS = [
  'tenant',
  'digest',
  'artifact_name',
  'artifact_digest',
  'node_count',
  'edge_count',
  'canonical_size',
  'binary_size',
  'signatures',
  'created_by',
  'created_at',
] as const;

function toMeta(row: SubgraphMeta): GraphMeta {
  return {
    digest: row.digest,
    artifact: { name: row.artifact_name, digest: row.artifact_digest },
    nodeCount: row.node_count,
    edgeCount: row.edge_count,
    canonicalSize: Number(row.canonical_size),
    binarySize: Number(row.binary_size),
    signatures: row.signatures,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** `s` matched literally by LIKE (whose default escape character is the backslash). */
function likeEscaped(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}

/** {@link GraphStore} on Postgres, every call in its own tenant transaction under RLS. */
export class PgGraphStore implements GraphStore {
  /** Expired answers a write to `slice_cache` deletes at most (of its own tenant). */
  private static readonly EXPIRED_DELETED_PER_WRITE = 64;
  private readonly durableSliceTtlSeconds: number;

  /**
   * @param opts.durableSliceTtlSeconds how long a `slice_cache` answer is served (default 7 days);
   *   older ones are misses, replaced when written again, and deleted a few at a time by writes.
   */
  constructor(
    private readonly pool: pg.Pool,
    opts: { durableSliceTtlSeconds?: number } = {},
  ) {
    this.durableSliceTtlSeconds = opts.durableSliceTtlSeconds ?? 7 * 24 * 3600;
  }

  insert(tenant: string, g: NewGraph): Promise<GraphMeta | 'existing'> {
    // Not waited for when the graph exists already: its failure must not go unhandled.
    g.index.catch(() => {});
    return withTenant(this.pool, tenant, async (tx) => {
      // The row and its canonical JSON go first, while the binary form may still be computed (on
      // the index worker): PostgreSQL writes the larger half of the bytes meanwhile. The row is
      // invisible to others until the commit.
      const inserted = await tx.run(
        qb
          .insertInto('subgraphs')
          .values({
            tenant,
            digest: g.digest,
            artifact_name: g.artifact.name,
            artifact_digest: g.artifact.digest,
            node_count: 0,
            edge_count: 0,
            canonical_size: g.canonicalSize,
            canonical_zst: g.canonicalZst,
            binary_size: 0,
            binary_zst: EMPTY,
            signatures: JSON.stringify(g.signatures),
            created_by: g.createdBy,
          })
          .onConflict((oc) => oc.columns(['tenant', 'digest']).doNothing())
          .returning('created_at'),
      );
      const row = inserted[0];
      if (!row) return 'existing';
      // The lookups too, before the binary form is waited for: only its own row is left for then.
      await tx.run(
        qb
          .insertInto('artifact_index')
          .values({ tenant, artifact_digest: g.artifact.digest, digest: g.digest }),
      );
      for (const [table, column, values] of [
        ['purl_index', 'purl', g.lookups.purls],
        ['cve_index', 'cve', g.lookups.cves],
      ] as const) {
        if (values.length === 0) continue;
        await tx.client.query(
          `insert into reachgraph.${table} (tenant, ${column}, digest)
           select $1, v, $2 from unnest($3::text[]) as v on conflict do nothing`,
          [tenant, g.digest, values],
        );
      }
      const index = await g.index;
      // Filled in once, inside the transaction that inserted the row (the schema types keep these
      // columns immutable everywhere else). An unchanged out-of-line value (the canonical JSON)
      // keeps its TOAST data on update.
      await tx.client.query(
        `update reachgraph.subgraphs
         set node_count = $2, edge_count = $3, binary_size = $4, binary_zst = $5, core_zst = $6
         where digest = $1`,
        [
          g.digest,
          index.nodeCount,
          index.edgeCount,
          index.binarySize,
          index.binaryZst,
          index.coreZst ?? null,
        ],
      );
      return {
        digest: g.digest,
        artifact: g.artifact,
        nodeCount: index.nodeCount,
        edgeCount: index.edgeCount,
        canonicalSize: g.canonicalSize,
        binarySize: index.binarySize,
        signatures: g.signatures,
        createdBy: g.createdBy,
        createdAt: row.created_at.toISOString(),
      };
    });
  }

  meta(tenant: string, digest: string): Promise<GraphMeta | undefined> {
    return withTenant(this.pool, tenant, async (tx) => {
      const [row] = await tx.run(
        qb.selectFrom('subgraphs').select(META_COLUMNS).where('digest', '=', digest),
      );
      return row ? toMeta(row) : undefined;
    });
  }

  exists(tenant: string, digest: string): Promise<boolean> {
    if (!DIGEST.test(digest)) return Promise.resolve(false);
    return tenantHasGraph(this.pool, tenant, digest);
  }

  addSignatures(tenant: string, digest: string, signatures: SignatureRow[]): Promise<SignatureRow[]> {
    return withTenant(this.pool, tenant, async (tx) => {
      const [row] = await tx.run(
        qb.selectFrom('subgraphs').select('signatures').where('digest', '=', digest).forUpdate(),
      );
      if (!row) return [];
      const seen = new Set(row.signatures.map((s) => `${s.keyid}\u0000${s.sig}`));
      const added = signatures.filter((s) => !seen.has(`${s.keyid}\u0000${s.sig}`));
      if (added.length === 0) return row.signatures;
      const all = [...row.signatures, ...added];
      await tx.run(
        qb
          .updateTable('subgraphs')
          .set({ signatures: JSON.stringify(all) })
          .where('digest', '=', digest),
      );
      return all;
    });
  }

  private blob(
    tenant: string,
    digest: string,
    column: 'canonical_zst' | 'binary_zst' | 'core_zst',
  ): Promise<Buffer | undefined> {
    // COPY takes no parameters: the digest is checked against its strict format and quoted.
    if (!DIGEST.test(digest)) return Promise.resolve(undefined);
    return withTenant(this.pool, tenant, (tx) =>
      tx.readBytea(`select ${column} from reachgraph.subgraphs where digest = ${tx.literal(digest)}`),
    );
  }

  canonicalZst(tenant: string, digest: string): Promise<Buffer | undefined> {
    return this.blob(tenant, digest, 'canonical_zst');
  }

  binaryZst(tenant: string, digest: string): Promise<Buffer | undefined> {
    return this.blob(tenant, digest, 'binary_zst');
  }

  coreZst(tenant: string, digest: string): Promise<Buffer | undefined> {
    return this.blob(tenant, digest, 'core_zst');
  }

  storeCore(tenant: string, digest: string, coreZst: Buffer): Promise<boolean> {
    return withTenant(this.pool, tenant, async (tx) => {
      const updated = await tx.run(
        qb
          .updateTable('subgraphs')
          .set({ core_zst: coreZst })
          .where('digest', '=', digest)
          .where('core_zst', 'is', null)
          .returning('digest'),
      );
      return updated.length > 0;
    });
  }

  list(
    tenant: string,
    filter: GraphFilter,
    page: { limit: number; after?: ListPosition },
  ): Promise<{ graphs: GraphMeta[]; next?: ListPosition }> {
    return withTenant(this.pool, tenant, async (tx) => {
      let query = qb
        .selectFrom('subgraphs')
        .select(META_COLUMNS)
        // The exact instant (microseconds, UTC), whatever the session's DateStyle and TimeZone.
        .select(
          sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('position'),
        );
      if (filter.artifactDigest !== undefined)
        query = query.where('artifact_digest', '=', filter.artifactDigest);
      if (filter.artifactName !== undefined) query = query.where('artifact_name', '=', filter.artifactName);
      const { purl, purlPrefix, cve } = filter;
      if (purl !== undefined || purlPrefix !== undefined) {
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('purl_index as p')
              .select('p.digest')
              .whereRef('p.tenant', '=', 'subgraphs.tenant')
              .whereRef('p.digest', '=', 'subgraphs.digest')
              .$if(purl !== undefined, (q) => q.where('p.purl', '=', purl as string))
              .$if(purlPrefix !== undefined, (q) =>
                q.where('p.purl', 'like', `${likeEscaped(purlPrefix as string)}%`),
              ),
          ),
        );
      }
      if (cve !== undefined) {
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('cve_index as c')
              .select('c.digest')
              .whereRef('c.tenant', '=', 'subgraphs.tenant')
              .whereRef('c.digest', '=', 'subgraphs.digest')
              .where('c.cve', '=', cve),
          ),
        );
      }
      const after = page.after;
      if (after) {
        query = query.where(
          sql<boolean>`(created_at, digest) < (${after.createdAt}::timestamptz, ${after.digest})`,
        );
      }
      const rows = await tx.run(
        query
          .orderBy('created_at', 'desc')
          .orderBy('digest', 'desc')
          .limit(page.limit + 1),
      );
      const graphs = rows.slice(0, page.limit);
      const last = graphs[graphs.length - 1];
      return {
        graphs: graphs.map(toMeta),
        ...(rows.length > page.limit && last
          ? { next: { createdAt: last.position, digest: last.digest } }
          : {}),
      };
    });
  }

  delete(tenant: string, digest: string, actor: Actor): Promise<boolean> {
    return withTenant(this.pool, tenant, async (tx) => {
      const deleted = await tx.run(
        qb.deleteFrom('subgraphs').where('digest', '=', digest).returning(['artifact_digest', 'node_count']),
      );
      const row = deleted[0];
      if (!row) return false;
      await tx.run(
        qb.insertInto('audit_log').values({
          id: newUlid(),
          tenant,
          principal: actor.principal,
          subject: actor.subject,
          action: 'graph.delete',
          digest,
          detail: JSON.stringify({ artifactDigest: row.artifact_digest, nodeCount: row.node_count }),
        }),
      );
      return true;
    });
  }

  getSlice(tenant: string, digest: string, queryKey: string): Promise<Buffer | undefined> {
    return withTenant(this.pool, tenant, async (tx) => {
      const [row] = await tx.run(
        qb
          .selectFrom('slice_cache')
          .select('response_zst')
          .where('digest', '=', digest)
          .where('query_key', '=', queryKey)
          .where(sql<boolean>`created_at > now() - make_interval(secs => ${this.durableSliceTtlSeconds})`),
      );
      return row?.response_zst;
    });
  }

  putSlice(
    tenant: string,
    digest: string,
    queryKey: string,
    query: unknown,
    responseZst: Buffer,
  ): Promise<void> {
    return withTenant(this.pool, tenant, async (tx) => {
      const expired = 'now() - make_interval(secs => $6)';
      // The graph may have been deleted meanwhile: insert only while it exists (no FK error). An
      // expired answer under the same key is replaced (a fresh one is the same bytes: kept).
      await tx.client.query(
        `insert into reachgraph.slice_cache (tenant, digest, query_key, query, response_zst)
         select $1, $2, $3, $4, $5 where exists (select 1 from reachgraph.subgraphs where digest = $2)
         on conflict (tenant, digest, query_key) do update
           set query = excluded.query, response_zst = excluded.response_zst, created_at = now()
           where slice_cache.created_at <= ${expired}`,
        [tenant, digest, queryKey, jsonbText(query), responseZst, this.durableSliceTtlSeconds],
      );
      // Expired answers are never served; each write deletes a few of its tenant's (RLS keeps
      // every tenant to its own rows, so a tenant's writes pay for its own table space).
      await tx.client.query(
        `delete from reachgraph.slice_cache where ctid = any(array(
           select ctid from reachgraph.slice_cache where created_at <= now() - make_interval(secs => $1) limit $2))`,
        [this.durableSliceTtlSeconds, PgGraphStore.EXPIRED_DELETED_PER_WRITE],
      );
    });
  }

  logReplay(tenant: string, e: ReplayLogEntry): Promise<void> {
    return withTenant(this.pool, tenant, async (tx) => {
      await tx.run(
        qb.insertInto('replay_log').values({
          id: e.id,
          tenant,
          principal: e.actor.principal,
          subject: e.actor.subject,
          expected_digest: e.expectedDigest,
          computed_digest: e.computedDigest ?? null,
          match: e.match ?? null,
          inputs: jsonbText(e.inputs ?? null),
          diff: e.diff === undefined ? null : jsonbText(e.diff),
          error_code: e.errorCode ?? null,
          duration_ms: Math.round(e.durationMs),
        }),
      );
    });
  }
}
