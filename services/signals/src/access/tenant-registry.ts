import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.js';

/** Tenant ids as the schemas define them (`common.v1#/$defs/tenantId`). */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A registered tenant. */
export interface Tenant {
  tenantId: string;
  displayName: string | null;
  createdAt: Date;
}

/**
 * The tenant registry (contract §10.4): a table in Postgres, managed by `stella-signals tenant`.
 * Lookups are cached for `ttlMs` (0: every request asks the database) so a removed tenant loses
 * access within that time.
 */
export class TenantRegistry {
  private readonly cache = new Map<string, { exists: boolean; until: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs: number,
  ) {}

  async exists(tenantId: string): Promise<boolean> {
    if (!TENANT_ID.test(tenantId)) return false;
    const now = Date.now();
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > now) return hit.exists;
    const row = await this.db
      .selectFrom('tenants')
      .select('tenant_id')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (this.ttlMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(tenantId, { exists: row !== undefined, until: now + this.ttlMs });
    }
    return row !== undefined;
  }

  /** Adds a tenant; true when it was new. */
  async add(tenantId: string, displayName?: string): Promise<boolean> {
    if (!TENANT_ID.test(tenantId)) throw new Error(`tenant id must match ${TENANT_ID.source}: ${tenantId}`);
    const res = await this.db
      .insertInto('tenants')
      .values({ tenant_id: tenantId, display_name: displayName ?? null })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .executeTakeFirst();
    this.cache.delete(tenantId);
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('tenant_id').execute();
    return rows.map((r) => ({ tenantId: r.tenant_id, displayName: r.display_name, createdAt: r.created_at }));
  }

  /** Removes a tenant from the registry (its data stays, unreachable); true when it existed. */
  async remove(tenantId: string): Promise<boolean> {
    const res = await this.db.deleteFrom('tenants').where('tenant_id', '=', tenantId).executeTakeFirst();
    this.cache.delete(tenantId);
    return Number(res.numDeletedRows) > 0;
  }
}
