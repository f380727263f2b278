// Readable names for the generated schema types. The generated file is the source of truth; these
// are aliases only, so they cannot drift from the schemas.
import type * as G from './types.generated.js';

/** The signed manifest of a stored call graph (Signals contract §4). */
export type CallgraphManifest = G.CallgraphManifestV1;
/** One line of a call graph NDJSON upload. */
export type CallgraphRecord = G.CallgraphRecordV1;
/** The first line of a call graph upload. */
export type CallgraphHeaderRecord = G.CallgraphRecordV1Header;
/** A node line of a call graph upload. */
export type CallgraphNodeRecord = G.CallgraphRecordV1Node;
/** An edge line of a call graph upload. */
export type CallgraphEdgeRecord = G.CallgraphRecordV1Edge;
/** A known language identifier (contract §10.3). */
export type Language = G.CommonV1Language;
/** One runtime observation from an agent. */
export type RuntimeFact = G.RuntimeFactV1;
/** The JSON form of a runtime-fact upload. */
export type RuntimeFactBatch = G.RuntimeFactBatchV1;
/** The provenance record of a runtime-fact batch (contract §5.1). */
export type RuntimeFactProvenance = G.RuntimeFactProvenanceV1;
/** The predicate of a runtime-facts attestation (contract §7.2). */
export type RuntimeFactsPredicate = G.RuntimeFactsPredicateV1;
/** A line of the runtime-fact feed (contract §6.3). */
export type ProvenanceFeedLine = G.ProvenanceFeedLineV1;
/** Hit counts and batches of a node or edge observed at runtime. */
export type RuntimeObservation = G.CommonV1RuntimeObservation;
/** A vulnerable function: CVE, package and symbol. */
export type VulnerableSink = G.CommonV1VulnerableSink;
/** The answer to a slice query. */
export type SliceResponse = G.SliceResponseV1;
/** The query a slice answers. */
export type SliceQuery = G.SliceResponseV1Query;
/** One explained path entrypoint → … → target. */
export type SlicePath = G.SliceResponseV1Path;
/** One hop of a path with its edge explanation. */
export type SliceHop = G.SliceResponseV1Hop;
/** A replay request. */
export type ReplayRequest = G.ReplayRequestV1;
/** The inputs the graph builder needs. */
export type BuildInputs = G.ReplayRequestV1BuildInputs;
/** A request to build a graph from Signals inputs. */
export type BuildRequest = G.BuildRequestV1;
/** An OSV document naming affected functions (a build request's `vulnerabilities`). */
export type OsvVulnerabilities = G.BuildRequestV1OsvDocument;
/** A replay outcome. */
export type ReplayResponse = G.ReplayResponseV1;
/** RFC 9457 problem details with a stable code. */
export type Problem = G.ProblemV1;
/** What changed in a CVE's (or a file glob's) reachability between a base and a head graph. */
export type ReachGraphDiff = G.ReachgraphDiffV1;
/** A sink whose status differs between the two graphs of a diff. */
export type ReachGraphDiffSinkChange = G.ReachgraphDiffV1SinkChange;
/** The status of a sink in one graph of a diff. */
export type ReachGraphDiffSinkStatus = G.ReachgraphDiffV1SinkStatus;
/** A page of a tenant's stored graphs (`GET /v1/reachgraphs`). */
export type ReachGraphList = G.ReachgraphListV1;
/** A stored graph as listings show it. */
export type ReachGraphSummary = G.ReachgraphListV1Graph;
/** The predicate of a reachability-slice attestation (a CVE slice and the OpenVEX derived from it). */
export type ReachabilitySlicePredicate = G.ReachabilitySlicePredicateV1;
/** An OpenVEX v0.2.0 document. */
export type OpenVexDocument = G.Openvex020;
/** One statement of an OpenVEX document. */
export type OpenVexStatement = G.Openvex020Statement;
