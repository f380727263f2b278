import type { PutResult } from '@stella-ops/cas';
import {
  canonicalize,
  type DsseEnvelope,
  newUlid,
  type RuntimeFactProvenance,
  validate,
} from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import { blobKeys } from '../blobs/keys.js';
import { findCallgraph } from '../callgraphs/read-callgraph.js';
import type { AppContext } from '../context.js';
import { expired, notFound } from '../error.js';
import { subsystemLogger } from '../logger.js';
import { attestBatch } from '../signing/batch-attestation.js';
import type { LogOutcome } from '../signing/transparency-log.js';
import type { Timings } from '../timings.js';
import type { PreparedBatch } from './prepare-batch.js';

/** What an ingest stored: the provenance record and the batch attestation (when attested). */
export interface IngestResult {
  provenance: RuntimeFactProvenance;
  attestation: DsseEnvelope | null;
  /** Uploaded facts merged into others by deduplication. */
  merged: number;
}

/** Counts and logs a failed attestation (the §8.2 alert), then fails the request. */
function attestationFailed(ctx: AppContext, batchId: string, err: unknown): never {
  ctx.metrics.attestations.inc({ result: 'failure' });
  subsystemLogger(ctx.logger, 'signing').error({ err, batchId }, 'batch attestation failed');
  throw err;
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(`${canonicalize(value)}\n`, 'utf8');
}

/**
 * Ingests a prepared batch (contract §5, §6.2): check the client's provenance hash (§10.6), store
 * the facts, attest the batch (§7.2), store the provenance record,
 * then index it. Blobs first, index row last, in one transaction that re-checks the call graph.
 * The client's `idempotencyKey`, if any, lands on the index row (unique per tenant).
 */
export async function ingestBatch(
  ctx: AppContext,
  tenant: string,
  batch: PreparedBatch,
  receivedAt: Date,
  timings: Timings,
  idempotencyKey?: string,
): Promise<IngestResult> {
  if (batch.clientHash !== undefined && batch.clientHash !== batch.provenanceHash) {
    throw problems.unprocessable(
      'PROVENANCE_HASH_MISMATCH',
      `the client's provenance hash ${batch.clientHash} is not the recomputed ${batch.provenanceHash}`,
    );
  }
  const callgraph = await timings.time('index', () => findCallgraph(ctx, tenant, batch.callgraphId));
  const batchId = newUlid();
  const provenanceId = newUlid();
  const keys = {
    facts: blobKeys.facts(tenant, batchId),
    provenance: blobKeys.provenance(tenant, batchId),
    attestation: blobKeys.attestation(batchId),
  };

  const stored = await timings.time('store', () =>
    ctx.blobs.put(keys.facts, batch.blob, {
      contentType: 'application/x-ndjson',
      metadata: { 'batch-id': batchId, tenant },
    }),
  );
  // From here the facts are in the store: count whether their provenance record follows.
  try {
    if (stored.digest !== batch.provenanceHash) throw new Error(`blob store recorded ${stored.digest}`);
    const result = await recordBatch(ctx, tenant, batch, receivedAt, timings, {
      batchId,
      provenanceId,
      keys,
      callgraph,
      stored,
      idempotencyKey,
    });
    ctx.metrics.factBatches.inc({ provenance: 'recorded' });
    return result;
  } catch (err) {
    ctx.metrics.factBatches.inc({ provenance: 'missing' });
    throw err;
  }
}

/** What {@link ingestBatch} decided and stored before the provenance record. */
interface StoredFacts {
  batchId: string;
  provenanceId: string;
  keys: { facts: string; provenance: string; attestation: string };
  callgraph: { graph_id: string; digest: string };
  stored: PutResult;
  idempotencyKey: string | undefined;
}

/** Attests the stored facts, stores the provenance record and indexes the batch. */
async function recordBatch(
  ctx: AppContext,
  tenant: string,
  batch: PreparedBatch,
  receivedAt: Date,
  timings: Timings,
  { batchId, provenanceId, keys, callgraph, stored, idempotencyKey }: StoredFacts,
): Promise<IngestResult> {
  const ingestedAt = new Date();

  let attestation: DsseEnvelope | null = null;
  let log: LogOutcome = { skipReason: 'attestation-disabled' };
  if (ctx.cfg.provenance.attestBatches) {
    const attested = await timings
      .time('sign', () =>
        attestBatch(
          {
            batchId,
            provenanceHash: batch.provenanceHash,
            factCount: batch.factCount,
            timestamp: ingestedAt.toISOString(),
            tenantId: tenant,
            callgraph: { graphId: callgraph.graph_id, digest: callgraph.digest },
          },
          ctx.keys,
          ctx.tlog,
        ),
      )
      .catch((err: unknown) => attestationFailed(ctx, batchId, err));
    attestation = attested.envelope;
    log = attested.outcome;
  }
  const signerKeyId = attestation ? ctx.keys.signer?.keyId : undefined;

  const provenance = validate('runtime-fact-provenance@v1', {
    provenanceId,
    callgraphId: callgraph.graph_id,
    batchId,
    ingestedAt: ingestedAt.toISOString(),
    receivedAt: receivedAt.toISOString(),
    tenantId: tenant,
    source: batch.source,
    pipelineVersion: ctx.build.pipelineVersion,
    provenanceHash: batch.provenanceHash,
    ...(signerKeyId ? { signerKeyId } : {}),
    ...log,
    factCount: batch.factCount,
    factTypes: batch.factTypes,
  });
  const envelope = attestation;
  await timings.time('store', () =>
    Promise.all([
      envelope &&
        ctx.blobs
          .put(keys.attestation, jsonBytes(envelope), {
            contentType: 'application/vnd.dsse.envelope.v1+json',
          })
          .catch((err: unknown) => attestationFailed(ctx, batchId, err)),
      ctx.blobs.put(keys.provenance, jsonBytes(provenance), { contentType: 'application/json' }),
    ]),
  );
  if (attestation) ctx.metrics.attestations.inc({ result: 'success' });

  await timings.time('index', () =>
    ctx.db.transaction().execute(async (trx) => {
      // The call graph must still be live when the row lands (GC may have expired it meanwhile).
      const still = await trx
        .selectFrom('callgraphs')
        .select(['graph_id', 'deleted_at'])
        .where('graph_id', '=', callgraph.graph_id)
        .forShare()
        .executeTakeFirst();
      if (!still) throw notFound('CALLGRAPH_NOT_FOUND', callgraph.graph_id);
      if (still.deleted_at) throw expired('CALLGRAPH_EXPIRED', callgraph.graph_id);
      await trx
        .insertInto('runtime_fact_batches')
        .values({
          batch_id: batchId,
          tenant_id: tenant,
          callgraph_id: callgraph.graph_id,
          provenance_id: provenanceId,
          provenance_hash: batch.provenanceHash,
          source: batch.source,
          fact_count: batch.factCount,
          fact_types: batch.factTypes,
          received_at: receivedAt,
          ingested_at: ingestedAt,
          blob_key: keys.facts,
          provenance_key: keys.provenance,
          attestation_key: attestation ? keys.attestation : null,
          size: stored.size,
          stored_size: stored.storedSize,
          ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
        })
        .execute();
    }),
  );

  for (const [factType, n] of Object.entries(batch.typeCounts)) {
    ctx.metrics.factsIngested.inc({ fact_type: factType, tenant }, n);
  }
  ctx.metrics.batchSize.observe(batch.factCount);
  ctx.metrics.provenanceRecords.inc();
  subsystemLogger(ctx.logger, 'facts').info(
    { batchId, tenant, callgraphId: callgraph.graph_id, facts: batch.factCount, merged: batch.merged },
    'runtime-fact batch ingested',
  );
  return { provenance, attestation, merged: batch.merged };
}
