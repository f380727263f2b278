// The recursive-SQL baseline: the same CVE slice and reachable set as WITH RECURSIVE queries over an
// edges table in a throwaway database of the real Postgres at 127.0.0.1:5432 (user postgres).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { measureAsync } from './measure.mjs';

const require = createRequire(new URL('../../packages/graph/package.json', import.meta.url));
const { Client } = require('pg');

const CONN = { host: '127.0.0.1', port: 5432, user: 'postgres' };

const REACHABLE = `
  WITH RECURSIVE r(n) AS (
    SELECT unnest($1::int4[])
    UNION
    SELECT e.dst FROM edges e JOIN r ON e.src = r.n)
  SELECT n FROM r`;

const CVE_SLICE = `
  WITH RECURSIVE f(n) AS (
    SELECT unnest($1::int4[])
    UNION
    SELECT e.dst FROM edges e JOIN f ON e.src = f.n),
  b(n) AS (
    SELECT unnest($2::int4[])
    UNION
    SELECT e.src FROM edges e JOIN b ON e.dst = b.n),
  p AS (SELECT n FROM f INTERSECT SELECT n FROM b)
  SELECT 0 AS k, n AS a, NULL::int4 AS b FROM p
  UNION ALL
  SELECT 1, e.src, e.dst FROM edges e JOIN p s ON e.src = s.n JOIN p d ON e.dst = d.n`;

/** COPY `rows` (src, dst) into `edges` through psql's COPY FROM STDIN. */
function copyEdges(db, src, dst) {
  return new Promise((resolve, reject) => {
    const psql = spawn(
      'psql',
      [
        '-h',
        CONN.host,
        '-U',
        CONN.user,
        '-d',
        db,
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        'COPY edges (src, dst) FROM STDIN',
      ],
      { stdio: ['pipe', 'inherit', 'inherit'] },
    );
    psql.on('error', reject);
    psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY exited with ${code}`))));
    let i = 0;
    const write = () => {
      while (i < src.length) {
        let chunk = '';
        const end = Math.min(src.length, i + 50_000);
        for (; i < end; i++) chunk += `${src[i]}\t${dst[i]}\n`;
        if (!psql.stdin.write(chunk)) return psql.stdin.once('drain', write);
      }
      psql.stdin.end();
    };
    write();
  });
}

/**
 * Loads the edges into `bench_graph_<pid>`, times both queries (and checks their answers against
 * `expect`), and drops the database.
 */
export async function sqlBaseline({ src, dst, entries, sinks, reps, expect }) {
  const db = `bench_graph_${process.pid}`;
  const admin = new Client({ ...CONN, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const client = new Client({ ...CONN, database: db });
  try {
    await client.connect();
    await client.query('CREATE UNLOGGED TABLE edges (src int4 NOT NULL, dst int4 NOT NULL)');
    const t = performance.now();
    await copyEdges(db, src, dst);
    // One-column indexes: the baseline's fastest layout (at 100k/300k, (src, dst) / (dst, src) gave
    // 500 / 136 ms for the CVE slice / reachable set against 477 / 93.5 ms with these).
    await client.query('CREATE INDEX edges_src ON edges (src)');
    await client.query('CREATE INDEX edges_dst ON edges (dst)');
    await client.query('ANALYZE edges');
    const loadMs = performance.now() - t;
    const reachable = await measureAsync(() => client.query(REACHABLE, [entries]), { reps, warmup: 1 });
    const cve = await measureAsync(() => client.query(CVE_SLICE, [entries, sinks]), { reps, warmup: 1 });
    const nodes = cve.value.rows.filter((r) => r.k === 0).length;
    const edges = cve.value.rows.length - nodes;
    const check = {
      reachable: reachable.value.rowCount === expect.reachable,
      cve: nodes === expect.cveNodes && edges === expect.cveEdges,
    };
    return { loadMs, reachable, cve, check, answer: { reachable: reachable.value.rowCount, nodes, edges } };
  } finally {
    await client.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}
