import type { ColumnType } from 'kysely';

/** `reachgraph.audit_log`: administrative actions such as deletes (append-only for the service). */
export interface AuditLogRow {
  id: string;
  tenant: string;
  principal: string;
  subject: string;
  action: string;
  digest: string;
  detail: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, never, never>;
}
