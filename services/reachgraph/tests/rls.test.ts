import { createTestDatabase, type TestDatabase } from '@stella-ops/testkit';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { TENANT_TABLES } from '../src/db/schema/index.js';
import { APP_ROLE, appRoleUrl } from './db-role.js';

const DIGEST_A = `blake3:${'a'.repeat(64)}`;
const DIGEST_B = `blake3:${'b'.repeat(64)}`;

/** Row-level security proven with raw SQL as the app role: no application filter anywhere. */
describe('row-level security (raw SQL as the app role)', () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let app: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('rg_rls');
    await migrate(db.url, APP_ROLE);
    owner = new pg.Client({ connectionString: db.url });
    app = new pg.Client({ connectionString: appRoleUrl(db.url) });
    await Promise.all([owner.connect(), app.connect()]);
    // Seed one graph per tenant through the app role itself, each under its own tenant setting.
    for (const [tenant, digest] of [
      ['tenant-a', DIGEST_A],
      ['tenant-b', DIGEST_B],
    ] as const) {
      await app.query('begin');
      await app.query("select set_config('app.tenant_id', $1, true)", [tenant]);
      await app.query(
        `insert into reachgraph.subgraphs (tenant, digest, artifact_name, artifact_digest, node_count, edge_count,
           canonical_size, canonical_zst, binary_size, binary_zst, created_by)
         values ($1, $2, 'svc', $3, 1, 0, 2, '\\x00', 2, '\\x00', 'test')`,
        [tenant, digest, `sha256:${'c'.repeat(64)}`],
      );
      await app.query('insert into reachgraph.cve_index (tenant, cve, digest) values ($1, $2, $3)', [
        tenant,
        'CVE-2024-0001',
        digest,
      ]);
      await app.query(
        `insert into reachgraph.replay_log (id, tenant, principal, subject, expected_digest, inputs, duration_ms)
         values ($1, $2, 'p', 's', $3, '{}', 1)`,
        [`01J${tenant === 'tenant-a' ? 'A' : 'B'}${'0'.repeat(22)}`, tenant, digest],
      );
      await app.query('commit');
    }
  });

  afterAll(async () => {
    await Promise.allSettled([owner?.end(), app?.end()]);
    await db?.drop();
  });

  async function asTenant<T>(tenant: string | undefined, fn: () => Promise<T>): Promise<T> {
    await app.query('begin');
    try {
      if (tenant !== undefined) await app.query("select set_config('app.tenant_id', $1, true)", [tenant]);
      return await fn();
    } finally {
      await app.query('rollback');
    }
  }

  it('enables and forces RLS on every tenant table', async () => {
    const { rows } = await owner.query(
      `select relname, relrowsecurity, relforcerowsecurity from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'reachgraph' and c.relkind = 'r'
         and relname <> 'kysely_migration' and relname <> 'kysely_migration_lock' order by relname`,
    );
    expect(rows.map((r) => r.relname).sort()).toEqual([...TENANT_TABLES].sort());
    for (const r of rows)
      expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  });

  it('the app role is neither superuser nor BYPASSRLS, and does not own the tables', async () => {
    const { rows } = await owner.query('select rolsuper, rolbypassrls from pg_roles where rolname = $1', [
      APP_ROLE,
    ]);
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    const owners = await owner.query(
      "select distinct tableowner from pg_tables where schemaname = 'reachgraph'",
    );
    expect(owners.rows.map((r) => r.tableowner)).not.toContain(APP_ROLE);
  });

  it('a tenant sees only its own rows, with no WHERE on tenant', async () => {
    const seen = await asTenant('tenant-a', async () => ({
      subgraphs: (await app.query('select tenant, digest from reachgraph.subgraphs')).rows,
      cves: (await app.query('select tenant from reachgraph.cve_index')).rows,
      replays: (await app.query('select tenant from reachgraph.replay_log')).rows,
    }));
    expect(seen.subgraphs).toEqual([{ tenant: 'tenant-a', digest: DIGEST_A }]);
    expect(seen.cves).toEqual([{ tenant: 'tenant-a' }]);
    expect(seen.replays).toEqual([{ tenant: 'tenant-a' }]);
  });

  it("another tenant's digest is invisible even when asked for by digest", async () => {
    const rows = await asTenant(
      'tenant-a',
      async () => (await app.query('select * from reachgraph.subgraphs where digest = $1', [DIGEST_B])).rows,
    );
    expect(rows).toEqual([]);
  });

  it('a connection without a tenant sees nothing in any table', async () => {
    for (const table of TENANT_TABLES) {
      const rows = await asTenant(
        undefined,
        async () => (await app.query(`select * from reachgraph.${table}`)).rows,
      );
      expect([table, rows.length]).toEqual([table, 0]);
    }
    // Outside any transaction as well.
    expect((await app.query('select * from reachgraph.subgraphs')).rows).toEqual([]);
  });

  it("cannot write, update or delete another tenant's rows", async () => {
    await expect(
      asTenant('tenant-a', () =>
        app.query(
          `insert into reachgraph.subgraphs (tenant, digest, artifact_name, artifact_digest, node_count, edge_count,
             canonical_size, canonical_zst, binary_size, binary_zst, created_by)
           values ('tenant-b', $1, 'svc', 'sha256:x', 1, 0, 1, '\\x00', 1, '\\x00', 'test')`,
          [`blake3:${'d'.repeat(64)}`],
        ),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const updated = await asTenant(
      'tenant-a',
      async () =>
        (await app.query("update reachgraph.subgraphs set artifact_name = 'x' where digest = $1", [DIGEST_B]))
          .rowCount,
    );
    expect(updated).toBe(0);
    const deleted = await asTenant(
      'tenant-a',
      async () =>
        (await app.query('delete from reachgraph.subgraphs where digest = $1', [DIGEST_B])).rowCount,
    );
    expect(deleted).toBe(0);
  });

  it('the audit trails are append-only for the app role', async () => {
    await expect(
      asTenant('tenant-a', () => app.query('delete from reachgraph.replay_log')),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asTenant('tenant-a', () => app.query('delete from reachgraph.audit_log')),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('migrating again is a no-op', async () => {
    await expect(migrate(db.url, APP_ROLE)).resolves.toEqual([]);
  });
});
