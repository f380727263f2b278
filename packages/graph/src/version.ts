/** The version of @stella-ops/graph (kept equal to package.json by a test). */
export const GRAPH_PACKAGE_VERSION = '0.1.0';

/** The analyzer name the builder records when the caller names none. */
export const BUILDER_NAME = 'stella-reachgraph-builder';
