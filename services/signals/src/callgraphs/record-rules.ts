import { allSchemaDocuments, getSchemaDocument, type SchemaIssue } from '@stella-ops/core';

/** The three record kinds of `callgraph-record@v1` and what each allows and requires. */
export type RecordType = 'header' | 'node' | 'edge';

interface Shape {
  properties: ReadonlySet<string>;
  required: ReadonlySet<string>;
}

function shapes(): Record<RecordType, Shape> {
  const defs = (getSchemaDocument('callgraph-record@v1')['$defs'] ?? {}) as Record<
    string,
    { properties?: Record<string, unknown>; required?: string[] }
  >;
  const shape = (name: RecordType): Shape => ({
    properties: new Set(Object.keys(defs[name]?.properties ?? {})),
    required: new Set(defs[name]?.required ?? []),
  });
  return { header: shape('header'), node: shape('node'), edge: shape('edge') };
}

let cached: Record<RecordType, Shape> | undefined;

/** The languages contract §10.3 knows (the schema's `language` enum). */
export function knownLanguages(): ReadonlySet<string> {
  const common = allSchemaDocuments()['https://stella-ops.org/schemas/common.v1.schema.json'] as
    | { $defs?: { language?: { enum?: string[] } } }
    | undefined;
  return new Set(common?.$defs?.language?.enum ?? []);
}

/**
 * The schema issues that concern a record of type `type`. The schema is a `oneOf` of the three
 * record kinds, and the validator reports every branch's failures; a branch that is not the
 * record's own fails on `/type` and on members it does not declare, which says nothing about this
 * record. Keeps: a required member of `type` that is missing, a member `type` does not declare,
 * and any failure inside a member `type` declares.
 */
export function issuesForType(type: RecordType, issues: readonly SchemaIssue[]): SchemaIssue[] {
  cached ??= shapes();
  const own = cached[type];
  return issues.filter((i) => {
    if (i.keyword === 'oneOf') return false;
    if (i.pointer === '/type' && i.keyword === 'const') return false;
    const member = i.pointer.split('/')[1]?.replaceAll('~1', '/').replaceAll('~0', '~') ?? '';
    if (i.keyword === 'required') return own.required.has(member);
    if (i.keyword === 'additionalProperties') return !own.properties.has(member);
    return own.properties.has(member);
  });
}
