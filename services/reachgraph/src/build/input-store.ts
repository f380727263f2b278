import { sha256 } from '@stella-ops/core';
import type pg from 'pg';
import { withTenant } from '../db/tenant.js';
import { zstdCompress, zstdDecompress } from '../zstd.js';
import { inputProblem } from './input-problems.js';

/** The build inputs ReachGraph keeps itself: sink lists and OSV documents. */
export type InputDocumentKind = 'sinks' | 'osv';

/**
 * Sink lists and OSV documents a graph was built from, content-addressed by the `sha256:` of their
 * canonical JSON (the digest `provenance.inputs` names), per tenant under row-level security.
 */
export class InputDocuments {
  constructor(private readonly pool: pg.Pool) {}

  /** Stores a document under the digest of `canonical` (idempotent); returns that digest. */
  async put(tenant: string, kind: InputDocumentKind, canonical: string): Promise<string> {
    const bytes = Buffer.from(canonical, 'utf8');
    const digest = sha256(bytes);
    await withTenant(this.pool, tenant, (tx) =>
      tx.client.query(
        `insert into reachgraph.input_documents (tenant, digest, kind, content_size, content_zst)
         values ($1, $2, $3, $4, $5) on conflict (tenant, digest) do nothing`,
        [tenant, digest, kind, bytes.length, zstdCompress(bytes)],
      ),
    );
    return digest;
  }

  /**
   * The document of `kind` stored under `digest`, parsed, after checking its bytes still hash to
   * it: `INPUT_NOT_FOUND` when there is none, `INPUT_DIGEST_MISMATCH` when it was altered.
   */
  async get(tenant: string, kind: InputDocumentKind, digest: string): Promise<unknown> {
    const row = await withTenant(this.pool, tenant, async (tx) => {
      const { rows } = await tx.client.query<{ content_zst: Buffer; content_size: number }>(
        'select content_zst, content_size from reachgraph.input_documents where digest = $1 and kind = $2',
        [digest, kind],
      );
      return rows[0];
    });
    if (!row) throw inputProblem('INPUT_NOT_FOUND', `no ${kind} document ${digest} is stored`);
    let bytes: Buffer;
    try {
      bytes = zstdDecompress(row.content_zst, row.content_size);
    } catch (err) {
      throw inputProblem('INPUT_DIGEST_MISMATCH', `the stored ${kind} document ${digest} is corrupt`, err);
    }
    if (sha256(bytes) !== digest)
      throw inputProblem(
        'INPUT_DIGEST_MISMATCH',
        `the stored ${kind} document is ${sha256(bytes)}, not ${digest}`,
      );
    return JSON.parse(bytes.toString('utf8')) as unknown;
  }
}
