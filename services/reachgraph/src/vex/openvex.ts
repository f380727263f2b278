import {
  formatPurl,
  isPurl,
  type OpenVexDocument,
  type OpenVexStatement,
  sha256Canonical,
} from '@stella-ops/core';
import { formatAssumptions, summarizeConditions, summarizeRoutes, type WitnessPath } from './path-summary.js';

/** The JSON-LD context of the OpenVEX documents ReachGraph writes. */
export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

/** The timestamp of a VEX document for a graph that records no time of its own. */
export const EPOCH = '1970-01-01T00:00:00Z';

/** The verdict of a CVE slice (slice-response@v1 `verdict`). */
export type SliceVerdict = 'reachable' | 'gated' | 'not_reachable' | 'unknown';

/** Everything one OpenVEX document is derived from; nothing else goes into it. */
export interface VexInput {
  /** The issuer (`author`): the service's configured identity. */
  author: string;
  /** `tooling`: what computed the answer. */
  tooling: string;
  graphDigest: string;
  /** The artifact the graph describes: the statement's product. */
  artifact: { name: string; digest: string };
  /** The graph's `provenance.computedAt`, if it records one. */
  computedAt?: string;
  query: { cve: string; assume?: Readonly<Record<string, string>> };
  verdict: SliceVerdict;
  sinks: { reachable: readonly string[]; gated?: readonly string[]; unreachable: readonly string[] };
  /** Every path of the slice answer (the summaries count them all). */
  paths: readonly WitnessPath[];
  sliceDigest: string;
}

const HASH_NAMES: Record<string, string> = { sha256: 'sha-256', sha512: 'sha-512' };

/**
 * The product a graph's artifact is: its name when that is a purl, else a generic purl of the name
 * qualified by the artifact's digest (`pkg:generic/acme/orders-api?checksum=sha256:…`), with the
 * digest under `hashes` when OpenVEX has a name for its algorithm.
 */
export function productOf(artifact: {
  name: string;
  digest: string;
}): NonNullable<OpenVexStatement['products']>[number] {
  const [algorithm = '', hex = ''] = artifact.digest.split(':');
  const { name } = artifact;
  const namedByPurl: boolean = isPurl(name);
  const slash = name.lastIndexOf('/');
  const purl = namedByPurl
    ? name
    : formatPurl({
        type: 'generic',
        namespace: slash > 0 ? name.slice(0, slash) : null,
        name: slash > 0 && slash < name.length - 1 ? name.slice(slash + 1) : name,
        qualifiers: { checksum: artifact.digest },
      });
  const hashName = HASH_NAMES[algorithm];
  return {
    '@id': purl,
    identifiers: { purl },
    ...(hashName ? { hashes: { [hashName]: hex } } : {}),
  };
}

function conditionsClause(assume: VexInput['query']['assume']): string {
  const text = formatAssumptions(assume);
  return text === '' ? '' : ` under the assumptions ${text}`;
}

/** status, justification and the statements of a verdict, as OpenVEX v0.2.0 requires them. */
function verdictFields(input: VexInput): Omit<OpenVexStatement, 'vulnerability' | 'products'> {
  const { cve } = input.query;
  const where = `reachability graph ${input.graphDigest}${conditionsClause(input.query.assume)}`;
  const sinkList = (ids: readonly string[]) => ids.join(', ');
  switch (input.verdict) {
    case 'reachable':
      return {
        status: 'affected',
        impact_statement: `The vulnerable code of ${cve} is reachable in ${where}: ${summarizeRoutes(input.paths)}.`,
        action_statement: `Upgrade the component providing ${sinkList(input.sinks.reachable)} to a version not affected by ${cve}, or remove the calls on the paths listed.`,
      };
    case 'gated': {
      const conditions = summarizeConditions(input.paths);
      return {
        status: 'affected',
        impact_statement: `The vulnerable code of ${cve} is reachable only if ${conditions} in ${where}: ${summarizeRoutes(input.paths)}.`,
        action_statement: `Upgrade the component providing ${sinkList(input.sinks.gated ?? [])} to a version not affected by ${cve}; until then make sure the condition never holds: ${conditions}.`,
      };
    }
    case 'not_reachable':
      return {
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impact_statement: `No path from an entrypoint reaches the vulnerable code of ${cve} (${sinkList(input.sinks.unreachable)}) in ${where}.`,
      };
    default:
      return {
        status: 'under_investigation',
        status_notes: `No node of ${where} carries ${cve}: its vulnerable code is not known to the graph.`,
      };
  }
}

/**
 * The OpenVEX v0.2.0 document of a CVE slice: one statement about the graph's artifact. Deterministic:
 * `@id` is derived from the graph digest, the query and the answer, `timestamp` is the graph's
 * `computedAt` (else the epoch) — never the clock — so the same graph and query give the same bytes.
 */
export function buildOpenVex(input: VexInput): OpenVexDocument {
  const id = sha256Canonical({
    graphDigest: input.graphDigest,
    query: input.query,
    slice: input.sliceDigest,
  });
  const fields = verdictFields(input);
  const notes = `Derived from the reachability slice ${input.sliceDigest} of graph ${input.graphDigest}.`;
  const statement: OpenVexStatement = {
    vulnerability: { name: input.query.cve },
    products: [productOf(input.artifact)],
    ...fields,
    status_notes: fields.status_notes ? `${fields.status_notes} ${notes}` : notes,
  };
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': `https://stella-ops.org/vex/reachgraph/${id.slice('sha256:'.length)}`,
    author: input.author,
    timestamp: input.computedAt ?? EPOCH,
    version: 1,
    tooling: input.tooling,
    statements: [statement],
  };
}
