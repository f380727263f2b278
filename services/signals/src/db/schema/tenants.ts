import type { ColumnType } from 'kysely';

/** `signals.tenants`: the tenant registry (contract §10.4); managed with `stella-signals tenant`. */
export interface TenantRow {
  tenant_id: string;
  display_name: string | null;
  created_at: ColumnType<Date, never, never>;
}
