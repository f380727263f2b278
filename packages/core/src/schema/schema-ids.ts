import type {
  BuildRequestV1,
  CallgraphManifestV1,
  CallgraphRecordV1,
  EvidenceBundleV1,
  Openvex020,
  ProblemV1,
  ProvenanceFeedLineV1,
  ReachabilitySlicePredicateV1,
  ReachgraphDiffV1,
  ReachgraphListV1,
  ReachgraphMinV1,
  ReplayRequestV1,
  ReplayResponseV1,
  RuntimeFactBatchV1,
  RuntimeFactProvenanceV1,
  RuntimeFactsPredicateV1,
  RuntimeFactV1,
  SliceResponseV1,
} from './types.generated.js';

const BASE = 'https://stella-ops.org/schemas/';

/** Short schema names and the `$id` of the schema file each one names. */
export const SCHEMA_IDS = {
  'reachgraph.min@v1': `${BASE}reachgraph-min.v1.schema.json`,
  'callgraph-record@v1': `${BASE}callgraph-record.v1.schema.json`,
  'callgraph-manifest@v1': `${BASE}callgraph-manifest.v1.schema.json`,
  'runtime-fact@v1': `${BASE}runtime-fact.v1.schema.json`,
  'runtime-fact-batch@v1': `${BASE}runtime-fact-batch.v1.schema.json`,
  'runtime-fact-provenance@v1': `${BASE}runtime-fact-provenance.v1.schema.json`,
  'runtime-facts-predicate@v1': `${BASE}runtime-facts-predicate.v1.schema.json`,
  'provenance-feed-line@v1': `${BASE}provenance-feed-line.v1.schema.json`,
  'slice-response@v1': `${BASE}slice-response.v1.schema.json`,
  'replay-request@v1': `${BASE}replay-request.v1.schema.json`,
  'replay-response@v1': `${BASE}replay-response.v1.schema.json`,
  'build-request@v1': `${BASE}build-request.v1.schema.json`,
  'problem@v1': `${BASE}problem.v1.schema.json`,
  'reachability-slice-predicate@v1': `${BASE}reachability-slice-predicate.v1.schema.json`,
  'openvex@0.2.0': `${BASE}openvex-0.2.0.schema.json`,
  'reachgraph.diff@v1': `${BASE}reachgraph-diff.v1.schema.json`,
  'reachgraph.list@v1': `${BASE}reachgraph-list.v1.schema.json`,
  'evidence-bundle@v1': `${BASE}evidence-bundle.v1.schema.json`,
} as const;

/** A schema's short name, e.g. `reachgraph.min@v1`. */
export type SchemaName = keyof typeof SCHEMA_IDS;

/** The TypeScript type of the documents each schema describes. */
export interface SchemaTypes {
  'reachgraph.min@v1': ReachgraphMinV1;
  'callgraph-record@v1': CallgraphRecordV1;
  'callgraph-manifest@v1': CallgraphManifestV1;
  'runtime-fact@v1': RuntimeFactV1;
  'runtime-fact-batch@v1': RuntimeFactBatchV1;
  'runtime-fact-provenance@v1': RuntimeFactProvenanceV1;
  'runtime-facts-predicate@v1': RuntimeFactsPredicateV1;
  'provenance-feed-line@v1': ProvenanceFeedLineV1;
  'slice-response@v1': SliceResponseV1;
  'replay-request@v1': ReplayRequestV1;
  'replay-response@v1': ReplayResponseV1;
  'build-request@v1': BuildRequestV1;
  'problem@v1': ProblemV1;
  'reachability-slice-predicate@v1': ReachabilitySlicePredicateV1;
  'openvex@0.2.0': Openvex020;
  'reachgraph.diff@v1': ReachgraphDiffV1;
  'reachgraph.list@v1': ReachgraphListV1;
  'evidence-bundle@v1': EvidenceBundleV1;
}

/** A schema named either by its short name or by its `$id`. */
export type SchemaRef = SchemaName | (typeof SCHEMA_IDS)[SchemaName];

/** The type a {@link SchemaRef} validates to. */
export type SchemaType<R extends SchemaRef> = R extends SchemaName
  ? SchemaTypes[R]
  : { [K in SchemaName]: (typeof SCHEMA_IDS)[K] extends R ? SchemaTypes[K] : never }[SchemaName];
