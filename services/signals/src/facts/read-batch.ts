import {
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  isValid,
  parseStatement,
  RUNTIME_FACTS_PREDICATE_TYPE,
  type RuntimeFactProvenance,
} from '@stella-ops/core';
import type { Selectable } from 'kysely';
import { assertDigest } from '../blobs/expect-digest.js';
import type { AppContext } from '../context.js';
import type { RuntimeFactBatchRow } from '../db/schema/index.js';
import { expired, integrityFailure, notFound } from '../error.js';
import { checkEnvelope, EnvelopeCheckError } from '../signing/envelope-check.js';

/** A batch's index row. */
export type BatchIndexRow = Selectable<RuntimeFactBatchRow>;

function live(row: BatchIndexRow | undefined, id: string): BatchIndexRow {
  if (!row) throw notFound('BATCH_NOT_FOUND', id);
  if (row.deleted_at) throw expired('BATCH_EXPIRED', id);
  return row;
}

/** The caller's batch: 404 `BATCH_NOT_FOUND` (also for another tenant's id), 410 `BATCH_EXPIRED`. */
export async function findBatch(ctx: AppContext, tenant: string, batchId: string): Promise<BatchIndexRow> {
  const row = await ctx.db
    .selectFrom('runtime_fact_batches')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('batch_id', '=', batchId)
    .executeTakeFirst();
  return live(row, batchId);
}

/** The caller's (oldest live) batch with this provenance hash: same hash, same bytes. */
export async function findBatchByHash(ctx: AppContext, tenant: string, hash: string): Promise<BatchIndexRow> {
  const row = await ctx.db
    .selectFrom('runtime_fact_batches')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('provenance_hash', '=', hash)
    .where('deleted_at', 'is', null)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return live(row, hash);
}

/** The stored canonical NDJSON, verified against the provenance hash before it is returned. */
export async function readFacts(ctx: AppContext, row: BatchIndexRow): Promise<Buffer> {
  const bytes = await ctx.blobs.getBytes(row.blob_key);
  assertDigest(row.blob_key, bytes, row.provenance_hash);
  return bytes;
}

function parseJson(bytes: Buffer, code: 'PROVENANCE_INTEGRITY_FAILED' | 'ENVELOPE_INVALID'): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw integrityFailure(code, 'stored document is not JSON', err);
  }
}

async function verifyAttestation(ctx: AppContext, row: BatchIndexRow, bytes: Buffer): Promise<DsseEnvelope> {
  let checked: Awaited<ReturnType<typeof checkEnvelope>>;
  try {
    checked = await checkEnvelope(parseJson(bytes, 'ENVELOPE_INVALID'), ctx.keys.trusted);
  } catch (err) {
    if (err instanceof EnvelopeCheckError)
      throw integrityFailure(err.code, `attestation: ${err.message}`, err);
    throw err;
  }
  const bad = (why: string) => integrityFailure('ATTESTATION_INTEGRITY_FAILED', `attestation ${why}`);
  if (checked.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw bad('is not an in-toto statement');
  let statement: ReturnType<typeof parseStatement>;
  try {
    statement = parseStatement(checked.payload);
  } catch {
    throw bad('is not a valid in-toto statement');
  }
  if (statement.predicateType !== RUNTIME_FACTS_PREDICATE_TYPE) throw bad('has another predicate type');
  const predicate = statement.predicate;
  if (predicate?.['batchId'] !== row.batch_id || predicate?.['provenanceHash'] !== row.provenance_hash) {
    throw bad('does not attest this batch');
  }
  return checked.envelope;
}

/**
 * The provenance record and the batch attestation, verified (contract §10.6, §10.8): the record
 * matches its schema and the index; the attestation is a DSSE envelope signed by a trusted key
 * over an in-toto statement about this batch and hash. Tampered storage answers 502.
 */
export async function readProvenance(
  ctx: AppContext,
  row: BatchIndexRow,
): Promise<{ provenance: RuntimeFactProvenance; attestation: DsseEnvelope | null }> {
  const [provBytes, attBytes] = await Promise.all([
    ctx.blobs.getBytes(row.provenance_key),
    row.attestation_key ? ctx.blobs.getBytes(row.attestation_key) : Promise.resolve(undefined),
  ]);
  const provenance = parseJson(provBytes, 'PROVENANCE_INTEGRITY_FAILED');
  if (!isValid('runtime-fact-provenance@v1', provenance)) {
    throw integrityFailure('PROVENANCE_INTEGRITY_FAILED', 'stored provenance does not match its schema');
  }
  const p = provenance as RuntimeFactProvenance;
  if (
    p.batchId !== row.batch_id ||
    p.provenanceHash !== row.provenance_hash ||
    p.tenantId !== row.tenant_id
  ) {
    throw integrityFailure('PROVENANCE_INTEGRITY_FAILED', 'stored provenance does not describe this batch');
  }
  if (attBytes === undefined) {
    if (ctx.cfg.provenance.attestBatches && p.signerKeyId !== undefined) {
      throw integrityFailure('ENVELOPE_INVALID', 'the attested batch has no attestation');
    }
    return { provenance: p, attestation: null };
  }
  return { provenance: p, attestation: await verifyAttestation(ctx, row, attBytes) };
}
