// JSON text of a large reachgraph document. V8 strings stop at ~512 MiB, so a document whose JSON
// would not fit is kept as its pieces (head, node chunks, edge chunks): parsing them all is the
// same work as parsing one text.

const CHUNK = 250_000;

/** The document as a list of JSON texts (one when it fits). */
export function toJsonParts(doc) {
  try {
    return { whole: JSON.stringify(doc) };
  } catch {
    const { nodes, edges, ...head } = doc;
    const parts = [];
    for (let i = 0; i < nodes.length; i += CHUNK) parts.push(JSON.stringify(nodes.slice(i, i + CHUNK)));
    const nodeParts = parts.length;
    for (let i = 0; i < edges.length; i += CHUNK) parts.push(JSON.stringify(edges.slice(i, i + CHUNK)));
    return { head: JSON.stringify(head), parts, nodeParts };
  }
}

/** JSON.parse of {@link toJsonParts}' output back into one document. */
export function parseJsonParts(json) {
  if (json.whole !== undefined) return JSON.parse(json.whole);
  const doc = JSON.parse(json.head);
  const arrays = json.parts.map((p) => JSON.parse(p));
  doc.nodes = arrays.slice(0, json.nodeParts).flat();
  doc.edges = arrays.slice(json.nodeParts).flat();
  return doc;
}

/** Total characters of the JSON text. */
export function jsonLength(json) {
  if (json.whole !== undefined) return json.whole.length;
  return json.head.length + json.parts.reduce((n, p) => n + p.length, 0);
}
