import {
  type CallgraphHeaderRecord,
  type CallgraphRecord,
  canonicalize,
  isCoreError,
  isValid,
  parsePurl,
  schemaIssues,
} from '@stella-ops/core';
import { issuesFromSchema, type NdjsonLine } from '@stella-ops/service-kit';
import { lineProblem } from '../error.js';
import { issuesForType, knownLanguages, type RecordType } from './record-rules.js';

/** A validated call graph upload, ready to store. */
export interface ParsedCallgraph {
  header: CallgraphHeaderRecord;
  /** The stored form: each record canonical JSON (RFC 8785) on its own `\n`-terminated line. */
  canonical: Buffer;
  nodeCount: number;
  edgeCount: number;
  /** Header entry points, then ids of nodes flagged `isEntrypoint`, first occurrence kept. */
  entryPoints: string[];
}

const TYPES: ReadonlySet<string> = new Set(['header', 'node', 'edge']);
let languages: ReadonlySet<string> | undefined;

function typeOf(value: unknown): RecordType | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const t = (value as { type?: unknown }).type;
  return typeof t === 'string' && TYPES.has(t) ? (t as RecordType) : undefined;
}

function checkRecord(type: RecordType | undefined, value: unknown, line: number): CallgraphRecord {
  if (type === undefined) {
    throw lineProblem('SCHEMA_INVALID', line, 'a record is an object whose type is header, node or edge', [
      { pointer: '/type', keyword: 'enum', message: 'must be header, node or edge' },
    ]);
  }
  if (type === 'header') {
    const language = (value as { language?: unknown }).language;
    languages ??= knownLanguages();
    if (typeof language === 'string' && !languages.has(language)) {
      throw lineProblem('LANGUAGE_UNKNOWN', line, `language ${JSON.stringify(language)} is not known`, [
        { pointer: '/language', keyword: 'enum', message: `must be one of ${[...languages].join(', ')}` },
      ]);
    }
  }
  if (!isValid('callgraph-record@v1', value)) {
    const issues = issuesForType(type, schemaIssues('callgraph-record@v1', value));
    const shown = issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ');
    throw lineProblem(
      'SCHEMA_INVALID',
      line,
      `not a valid ${type} record: ${shown}`,
      issuesFromSchema(issues),
    );
  }
  return value as CallgraphRecord;
}

function checkPurl(purl: string, line: number, pointer: string): void {
  try {
    parsePurl(purl);
  } catch (err) {
    if (!isCoreError(err, 'PURL_INVALID')) throw err;
    throw lineProblem(
      'PURL_INVALID',
      line,
      `${pointer.slice(1)} is not a valid package URL: ${err.message}`,
      [{ pointer, keyword: 'format', message: err.message }],
    );
  }
}

/**
 * Validates an uploaded call graph (DESIGN §4): the first record is the header; every record
 * matches `callgraph-record@v1`; the header's language is known (§10.3) and its purl valid
 * (§10.5); node ids are unique; every edge names declared nodes. Errors are 422 problems naming
 * the NDJSON line. Returns the canonical NDJSON whose sha256 is the call graph digest.
 */
export function parseCallgraph(lines: readonly NdjsonLine[]): ParsedCallgraph {
  const first = lines[0];
  if (!first) throw lineProblem('CALLGRAPH_EMPTY', 1, 'the upload has no records');
  const nodes = new Set<string>();
  const flagged: string[] = [];
  const edges: { from: string; to: string; line: number }[] = [];
  const out: string[] = [];
  let header: CallgraphHeaderRecord | undefined;

  for (const { line, value } of lines) {
    const type = typeOf(value);
    if (header === undefined && type !== 'header') {
      throw lineProblem('CALLGRAPH_HEADER_MISSING', line, 'the first record must be the header');
    }
    if (header !== undefined && type === 'header') {
      throw lineProblem('CALLGRAPH_HEADER_DUPLICATE', line, 'a call graph has exactly one header');
    }
    const record = checkRecord(type, value, line);
    if (record.type === 'header') {
      checkPurl(record.componentPurl, line, '/componentPurl');
      header = record;
    } else if (record.type === 'node') {
      if (nodes.has(record.id)) {
        throw lineProblem(
          'NODE_ID_DUPLICATE',
          line,
          `node id ${JSON.stringify(record.id)} is declared twice`,
          [{ pointer: '/id', keyword: 'uniqueItems', message: 'node ids must be unique' }],
        );
      }
      nodes.add(record.id);
      if (record.purl !== undefined) checkPurl(record.purl, line, '/purl');
      if (record.isEntrypoint === true) flagged.push(record.id);
    } else {
      edges.push({ from: record.from, to: record.to, line });
    }
    out.push(canonicalize(record));
  }

  for (const edge of edges) {
    for (const end of ['from', 'to'] as const) {
      if (!nodes.has(edge[end])) {
        throw lineProblem(
          'EDGE_NODE_UNKNOWN',
          edge.line,
          `edge ${end} ${JSON.stringify(edge[end])} is not a declared node`,
          [{ pointer: `/${end}`, keyword: 'reference', message: 'must name a node declared in this upload' }],
        );
      }
    }
  }
  const validHeader = header as CallgraphHeaderRecord;
  const entryPoints = [...new Set([...(validHeader.entryPoints ?? []), ...flagged])];
  out.push('');
  return {
    header: validHeader,
    canonical: Buffer.from(out.join('\n'), 'utf8'),
    nodeCount: nodes.size,
    edgeCount: edges.length,
    entryPoints,
  };
}
