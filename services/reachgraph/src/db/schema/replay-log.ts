import type { ColumnType } from 'kysely';

/** `reachgraph.replay_log`: every replay attempt (append-only for the service). */
export interface ReplayLogRow {
  id: string;
  tenant: string;
  principal: string;
  subject: string;
  expected_digest: string;
  computed_digest: string | null;
  match: boolean | null;
  inputs: ColumnType<unknown, string, string>;
  diff: ColumnType<unknown, string | null, never>;
  error_code: string | null;
  duration_ms: number;
  created_at: ColumnType<Date, never, never>;
}
