import {
  type CallgraphManifest,
  canonicalize,
  type DsseEnvelope,
  type RuntimeFactProvenance,
} from '@stella-ops/core';
import type pg from 'pg';
import { withTenant } from '../db/tenant.js';
import { zstdCompress, zstdDecompress } from '../zstd.js';

/** A call graph's signed manifest, as Signals served it and ReachGraph verified it. */
export interface CallgraphEvidence {
  manifest: CallgraphManifest;
  envelope: DsseEnvelope;
}

/** A runtime-fact batch's provenance record and attestation, as verified at build time. */
export interface RuntimeFactsEvidence {
  provenance: RuntimeFactProvenance;
  attestation: DsseEnvelope;
}

/** One piece of evidence under the digest a graph's `provenance.inputs` names. */
export type InputEvidence =
  | { kind: 'callgraph'; digest: string; content: CallgraphEvidence }
  | { kind: 'runtime-facts'; digest: string; content: RuntimeFactsEvidence };

/** What {@link InputEvidenceStore.find} returns for the inputs a graph names. */
export interface FoundEvidence {
  callgraphs: CallgraphEvidence[];
  runtimeFacts: RuntimeFactsEvidence[];
}

/** The most bytes one piece of evidence may decompress to (a manifest or a provenance record). */
const MAX_EVIDENCE_BYTES = 16 * 1024 * 1024;

/**
 * The signed evidence of Signals inputs (`reachgraph.input_evidence`), per tenant under row-level
 * security, kept at build time so an evidence bundle needs no call to Signals. Rows are only added:
 * the first verified copy of an input's evidence stays.
 */
export class InputEvidenceStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(tenant: string, items: readonly InputEvidence[]): Promise<void> {
    if (items.length === 0) return;
    await withTenant(this.pool, tenant, async (tx) => {
      for (const item of items) {
        const bytes = Buffer.from(canonicalize(item.content), 'utf8');
        await tx.client.query(
          `insert into reachgraph.input_evidence (tenant, kind, digest, content_size, content_zst)
           values ($1, $2, $3, $4, $5) on conflict (tenant, kind, digest) do nothing`,
          [tenant, item.kind, item.digest, bytes.length, zstdCompress(bytes)],
        );
      }
    });
  }

  /** The evidence kept for these inputs (those without any are left out), in input order. */
  async find(tenant: string, inputs: readonly { kind: string; digest: string }[]): Promise<FoundEvidence> {
    const wanted = inputs.filter((i) => i.kind === 'callgraph' || i.kind === 'runtime-facts');
    const found: FoundEvidence = { callgraphs: [], runtimeFacts: [] };
    if (wanted.length === 0) return found;
    const rows = await withTenant(this.pool, tenant, async (tx) => {
      const { rows } = await tx.client.query<{
        kind: string;
        digest: string;
        content_zst: Buffer;
        content_size: number;
      }>(
        `select kind, digest, content_zst, content_size from reachgraph.input_evidence
          where (kind, digest) in (select * from unnest($1::text[], $2::text[]))`,
        [wanted.map((i) => i.kind), wanted.map((i) => i.digest)],
      );
      return rows;
    });
    for (const input of wanted) {
      const row = rows.find((r) => r.kind === input.kind && r.digest === input.digest);
      if (!row) continue;
      const content = JSON.parse(
        zstdDecompress(row.content_zst, MAX_EVIDENCE_BYTES).toString('utf8'),
      ) as unknown;
      if (input.kind === 'callgraph') found.callgraphs.push(content as CallgraphEvidence);
      else found.runtimeFacts.push(content as RuntimeFactsEvidence);
    }
    return found;
  }
}
