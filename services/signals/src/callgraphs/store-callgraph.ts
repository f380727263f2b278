import {
  type CallgraphManifest,
  canonicalize,
  type DsseEnvelope,
  newUlid,
  normalizePurl,
  sha256,
  ulidTimestamp,
  validate,
} from '@stella-ops/core';
import { blobKeys } from '../blobs/keys.js';
import type { AppContext } from '../context.js';
import { subsystemLogger } from '../logger.js';
import { signManifest } from '../signing/manifest-signing.js';
import type { Timings } from '../timings.js';
import type { ParsedCallgraph } from './parse-callgraph.js';
import { purlColumns } from './purl-key.js';

const NDJSON = 'application/x-ndjson';
const JSON_TYPE = 'application/json';
const DSSE = 'application/vnd.dsse.envelope.v1+json';

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(`${canonicalize(value)}\n`, 'utf8');
}

/**
 * Stores a validated call graph (contract §6.1): the canonical NDJSON under
 * `callgraphs/{tenant}/{graphId}.ndjson.zst`, the signed manifest and its DSSE envelope under
 * `manifests/`, the metadata next to the graph, then the index row. Blobs first, index row last:
 * a failure leaves at most unreferenced blobs (swept by GC), never a row without its blobs. The
 * client's `idempotencyKey`, if any, lands on the index row (unique per tenant).
 */
export async function storeCallgraph(
  ctx: AppContext,
  tenant: string,
  parsed: ParsedCallgraph,
  timings: Timings,
  idempotencyKey?: string,
): Promise<CallgraphManifest> {
  const digest = timings.timeSync('hash', () => sha256(parsed.canonical));
  const graphId = newUlid();
  // One clock reading: the id's own timestamp is the manifest's createdAt.
  const createdAt = new Date(ulidTimestamp(graphId));
  const { header } = parsed;
  const componentPurl = normalizePurl(header.componentPurl);
  const keys = {
    blob: blobKeys.callgraph(tenant, graphId),
    meta: blobKeys.callgraphMeta(tenant, graphId),
    manifest: blobKeys.manifest(graphId),
    envelope: blobKeys.manifestEnvelope(graphId),
  };

  const stored = await timings.time('store', () =>
    ctx.blobs.put(keys.blob, parsed.canonical, {
      contentType: NDJSON,
      metadata: { 'graph-id': graphId, tenant },
    }),
  );
  if (stored.digest !== digest) throw new Error(`blob store recorded ${stored.digest} for ${digest}`);

  let manifest: CallgraphManifest = validate('callgraph-manifest@v1', {
    graphId,
    digest,
    language: header.language,
    source: header.source,
    createdAt: createdAt.toISOString(),
    tenantId: tenant,
    componentPurl,
    entryPoints: parsed.entryPoints,
    nodeCount: parsed.nodeCount,
    edgeCount: parsed.edgeCount,
  });
  let envelope: DsseEnvelope | undefined;
  if (ctx.cfg.provenance.signManifests) {
    const signed = await timings.time('sign', () => signManifest(manifest, ctx.keys, ctx.tlog));
    ({ manifest, envelope } = signed);
    if (signed.skipReason) {
      subsystemLogger(ctx.logger, 'signing').debug(
        { graphId, skipReason: signed.skipReason },
        'manifest not logged',
      );
    }
  }

  await timings.time('store', async () => {
    if (envelope) await ctx.blobs.put(keys.envelope, jsonBytes(envelope), { contentType: DSSE });
    await ctx.blobs.put(keys.manifest, jsonBytes(manifest), { contentType: JSON_TYPE });
    const meta = {
      graphId,
      tenantId: tenant,
      digest,
      size: stored.size,
      storedSize: stored.storedSize,
      contentType: NDJSON,
      language: header.language,
      source: header.source,
      componentPurl,
      nodeCount: parsed.nodeCount,
      edgeCount: parsed.edgeCount,
      createdAt: manifest.createdAt,
      manifestKey: keys.manifest,
      ...(envelope ? { envelopeKey: keys.envelope } : {}),
    };
    await ctx.blobs.put(keys.meta, jsonBytes(meta), { contentType: JSON_TYPE });
  });

  await timings.time('index', () =>
    ctx.db
      .insertInto('callgraphs')
      .values({
        graph_id: graphId,
        tenant_id: tenant,
        digest,
        language: header.language,
        source: header.source,
        component_purl: componentPurl,
        ...purlColumns(componentPurl),
        node_count: parsed.nodeCount,
        edge_count: parsed.edgeCount,
        size: stored.size,
        stored_size: stored.storedSize,
        blob_key: keys.blob,
        meta_key: keys.meta,
        manifest_key: keys.manifest,
        envelope_key: envelope ? keys.envelope : null,
        manifest: JSON.stringify(manifest),
        created_at: createdAt,
        ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
      })
      .execute(),
  );

  ctx.metrics.callgraphsStored.inc({ language: header.language, tenant });
  ctx.metrics.callgraphNodes.observe({ language: header.language }, parsed.nodeCount);
  subsystemLogger(ctx.logger, 'callgraphs').info(
    { graphId, tenant, digest, nodes: parsed.nodeCount, edges: parsed.edgeCount },
    'call graph stored',
  );
  return manifest;
}
