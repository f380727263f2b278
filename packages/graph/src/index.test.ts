import { reachGraphDigest } from '@stella-ops/core';
import { DEMO_EDGES, DEMO_NODES } from './__tests__/demo-graph.js';
import { doc } from './__tests__/fixtures.js';
import * as api from './index.js';
import * as testing from './testing/index.js';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(api).sort()).toEqual([
      'BUILDER_NAME',
      'BUNDLE_CHECKS',
      'CALLGRAPH_MANIFEST_PAYLOAD_TYPE',
      'CONDITIONAL_EDGE_TYPES',
      'DEFAULT_LIMITS',
      'EDGE_TYPES',
      'EVIDENCE_BUNDLE_VERSION',
      'FLAG_ENTRYPOINT',
      'FLAG_SINK',
      'FORMAT_VERSION',
      'GRAPH_PACKAGE_VERSION',
      'GraphError',
      'MAX_ASSUMPTIONS',
      'NODE_KINDS',
      'NO_LINE',
      'NO_OBSERVATION',
      'NO_STRING',
      'allEdges',
      'allNodes',
      'buildReachGraph',
      'buildReachGraphReport',
      'callgraphDigest',
      'checkAssume',
      'conditionalGuard',
      'createEvidenceBundle',
      'createGraph',
      'cveCore',
      'cveSlice',
      'cveSubgraph',
      'decodeGraph',
      'diffSlices',
      'edgeAt',
      'encodeGraph',
      'entrypointNodes',
      'entrypointSlice',
      'fileSlice',
      'findNode',
      'formatAssume',
      'generateReachGraph',
      'guardStatus',
      'isAffectedVersion',
      'isGraphError',
      'loadGraph',
      'nodeAt',
      'nodeId',
      'osvDigest',
      'packageSlice',
      'parseAssume',
      'reachableNodes',
      'retainedBytes',
      'sinksDigest',
      'sinksFromOsv',
      'sliceGraph',
      'sortSinks',
      'verifyEvidenceBundle',
    ]);
    expect(Object.keys(testing).sort()).toEqual(['Prng', 'generateReachGraph']);
  });

  it('loadGraph indexes a document under its reachgraph digest', async () => {
    const d = doc(DEMO_NODES, DEMO_EDGES);
    const g = await api.loadGraph(d);
    expect(g.digest).toBe(await reachGraphDigest(d));
    const res = api.sliceGraph(g, { type: 'cve', cve: 'CVE-2021-23337' });
    expect(res.graphDigest).toBe(g.digest);
    expect(api.decodeGraph(api.encodeGraph(g)).digest).toBe(g.digest);
  });
});
