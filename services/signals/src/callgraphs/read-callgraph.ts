import type { Readable } from 'node:stream';
import { type CallgraphManifest, type DsseEnvelope, isValid } from '@stella-ops/core';
import type { Selectable } from 'kysely';
import { ExpectDigest } from '../blobs/expect-digest.js';
import type { AppContext } from '../context.js';
import type { CallgraphRow } from '../db/schema/index.js';
import { expired, integrityFailure, notFound } from '../error.js';
import { checkEnvelope, EnvelopeCheckError } from '../signing/envelope-check.js';
import { MANIFEST_PAYLOAD_TYPE, manifestPayload } from '../signing/manifest-signing.js';

/** A call graph's index row. */
export type CallgraphIndexRow = Selectable<CallgraphRow>;

function live(row: CallgraphIndexRow | undefined, id: string): CallgraphIndexRow {
  if (!row) throw notFound('CALLGRAPH_NOT_FOUND', id);
  if (row.deleted_at) throw expired('CALLGRAPH_EXPIRED', id);
  return row;
}

/**
 * The caller's call graph by id: 404 `CALLGRAPH_NOT_FOUND` when the tenant has none (another
 * tenant's id answers the same), 410 `CALLGRAPH_EXPIRED` when retention removed its blobs.
 */
export async function findCallgraph(
  ctx: AppContext,
  tenant: string,
  graphId: string,
  opts: { includeExpired?: boolean } = {},
): Promise<CallgraphIndexRow> {
  const row = await ctx.db
    .selectFrom('callgraphs')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('graph_id', '=', graphId)
    .executeTakeFirst();
  if (opts.includeExpired && row) return row;
  return live(row, graphId);
}

/** The caller's (oldest live) call graph with this digest: identical content, identical bytes. */
export async function findCallgraphByDigest(
  ctx: AppContext,
  tenant: string,
  digest: string,
): Promise<CallgraphIndexRow> {
  const row = await ctx.db
    .selectFrom('callgraphs')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('digest', '=', digest)
    .where('deleted_at', 'is', null)
    .orderBy('graph_id')
    .limit(1)
    .executeTakeFirst();
  return live(row, digest);
}

/** The stored canonical NDJSON, checked against the index digest as it streams. */
export async function openCallgraph(ctx: AppContext, row: CallgraphIndexRow): Promise<Readable> {
  const source = await ctx.blobs.get(row.blob_key);
  const check = new ExpectDigest(row.blob_key, row.digest);
  source.on('error', (err) => check.destroy(err));
  return source.pipe(check);
}

/**
 * Records that `referrer` depends on the call graph (ReachGraph built from it), so orphan GC
 * keeps it (contract §3.3).
 */
export async function recordReference(ctx: AppContext, graphId: string, referrer: string): Promise<void> {
  await ctx.db
    .insertInto('callgraph_references')
    .values({ graph_id: graphId, referrer })
    .onConflict((oc) => oc.columns(['graph_id', 'referrer']).doNothing())
    .execute();
}

function parseStored(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw integrityFailure(
      what === 'envelope' ? 'ENVELOPE_INVALID' : 'MANIFEST_INTEGRITY_FAILED',
      `stored ${what} is not JSON`,
      err,
    );
  }
}

/**
 * The signed manifest and its envelope, verified (contract §10.7): the manifest matches its
 * schema and the index; the envelope is a DSSE envelope signed by a trusted key whose payload is
 * exactly this manifest. Tampered storage answers 502 `SIGNATURE_INVALID`, `ENVELOPE_INVALID` or
 * `MANIFEST_INTEGRITY_FAILED`.
 */
export async function readSignedManifest(
  ctx: AppContext,
  row: CallgraphIndexRow,
): Promise<{ manifest: CallgraphManifest; envelope: DsseEnvelope | null; keyIds: string[] }> {
  const [manifestBytes, envelopeBytes] = await Promise.all([
    ctx.blobs.getBytes(row.manifest_key),
    row.envelope_key ? ctx.blobs.getBytes(row.envelope_key) : Promise.resolve(undefined),
  ]);
  const manifest = parseStored(manifestBytes, 'manifest');
  if (!isValid('callgraph-manifest@v1', manifest)) {
    throw integrityFailure('MANIFEST_INTEGRITY_FAILED', 'stored manifest does not match its schema');
  }
  const m = manifest as CallgraphManifest;
  if (m.graphId !== row.graph_id || m.digest !== row.digest || m.tenantId !== row.tenant_id) {
    throw integrityFailure('MANIFEST_INTEGRITY_FAILED', 'stored manifest does not describe this call graph');
  }
  if (envelopeBytes === undefined) {
    if (m.signature !== undefined)
      throw integrityFailure('ENVELOPE_INVALID', 'the signed manifest has no envelope');
    if (ctx.cfg.provenance.signManifests) {
      throw integrityFailure('SIGNATURE_INVALID', 'the manifest is unsigned but SignManifests is on');
    }
    return { manifest: m, envelope: null, keyIds: [] };
  }
  let checked: Awaited<ReturnType<typeof checkEnvelope>>;
  try {
    checked = await checkEnvelope(parseStored(envelopeBytes, 'envelope'), ctx.keys.trusted);
  } catch (err) {
    if (err instanceof EnvelopeCheckError)
      throw integrityFailure(err.code, `manifest envelope: ${err.message}`, err);
    throw err;
  }
  if (checked.payloadType !== MANIFEST_PAYLOAD_TYPE || !checked.payload.equals(manifestPayload(m))) {
    throw integrityFailure('MANIFEST_INTEGRITY_FAILED', 'the envelope does not sign this manifest');
  }
  if (!checked.envelope.signatures.some((s) => s.sig === m.signature)) {
    throw integrityFailure('SIGNATURE_INVALID', "the manifest's signature is not the envelope's");
  }
  return { manifest: m, envelope: checked.envelope, keyIds: checked.keyIds };
}
