import type { ErrorObject, ValidateFunction } from 'ajv';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { CoreError, type SchemaIssue } from '../error.js';
import { reachGraphListsValid } from './reachgraph-fast-check.js';
import { SCHEMA_DOCUMENTS } from './registry.generated.js';
import { SCHEMA_IDS, type SchemaName, type SchemaRef, type SchemaType } from './schema-ids.js';

// ajv and ajv-formats are CommonJS modules whose default export is the module object itself.
type AjvClass = typeof _Ajv2020.default;
type AddFormats = typeof _addFormats.default;
const Ajv2020: AjvClass =
  (_Ajv2020 as unknown as { default?: AjvClass }).default ?? (_Ajv2020 as unknown as AjvClass);
const addFormats: AddFormats =
  (_addFormats as unknown as { default?: AddFormats }).default ?? (_addFormats as unknown as AddFormats);

let ajv: InstanceType<AjvClass> | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): InstanceType<AjvClass> {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: true });
    addFormats(ajv);
    for (const schema of Object.values(SCHEMA_DOCUMENTS)) ajv.addSchema(schema as object);
  }
  return ajv;
}

function schemaIdOf(ref: string): string {
  const id = (SCHEMA_IDS as Record<string, string>)[ref] ?? ref;
  if (!(id in SCHEMA_DOCUMENTS)) {
    throw new CoreError({ code: 'SCHEMA_UNKNOWN', message: `unknown schema: ${ref}` });
  }
  return id;
}

/** The compiled validator for a schema; compiled once, on first use. */
function validatorFor(ref: string): ValidateFunction {
  const id = schemaIdOf(ref);
  let fn = compiled.get(id);
  if (!fn) {
    fn = instance().getSchema(id);
    if (!fn) throw new CoreError({ code: 'SCHEMA_UNKNOWN', message: `unknown schema: ${ref}` });
    compiled.set(id, fn);
  }
  return fn;
}

function toIssue(e: ErrorObject): SchemaIssue {
  let pointer = e.instancePath;
  // Point at the missing or extra member itself, not at the object that lacks or has it.
  if (e.keyword === 'required' && typeof e.params['missingProperty'] === 'string') {
    pointer += `/${escapePointer(e.params['missingProperty'])}`;
  } else if (e.keyword === 'additionalProperties' && typeof e.params['additionalProperty'] === 'string') {
    pointer += `/${escapePointer(e.params['additionalProperty'])}`;
  }
  return { pointer, keyword: e.keyword, message: e.message ?? e.keyword };
}

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * A reachgraph.min@v1 document whose nodes and edges the hand checks accept needs ajv only for the
 * rest (a few members instead of 400k objects at 100k nodes). Never true where ajv would say no.
 */
function acceptedQuickly(schema: SchemaRef, fn: ValidateFunction, value: unknown): boolean {
  if (schemaIdOf(schema) !== SCHEMA_IDS['reachgraph.min@v1']) return false;
  const lists = reachGraphListsValid(value);
  return lists !== undefined && fn(lists.withoutLists) === true;
}

/** The schema violations of `value` (empty when it is valid). Never throws for invalid data. */
export function schemaIssues(schema: SchemaRef, value: unknown): SchemaIssue[] {
  const fn = validatorFor(schema);
  if (acceptedQuickly(schema, fn, value) || fn(value)) return [];
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const e of fn.errors ?? []) {
    const issue = toIssue(e);
    const key = `${issue.pointer}\u0000${issue.keyword}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/**
 * Validates `value` against a schema in `schemas/` (by short name such as `reachgraph.min@v1`, or by
 * `$id`) and returns it typed. Throws {@link CoreError} `SCHEMA_INVALID` listing every violation with
 * its JSON pointer, or `SCHEMA_UNKNOWN` for a schema that does not exist.
 */
export function validate<R extends SchemaRef>(schema: R, value: unknown): SchemaType<R> {
  const issues = schemaIssues(schema, value);
  if (issues.length > 0) {
    const shown = issues
      .slice(0, 5)
      .map((i) => `${i.pointer || '/'} ${i.message}`)
      .join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    throw new CoreError({
      code: 'SCHEMA_INVALID',
      message: `${schema}: ${shown}${more}`,
      issues,
    });
  }
  return value as SchemaType<R>;
}

/** True when `value` is valid against the schema. */
export function isValid(schema: SchemaRef, value: unknown): boolean {
  const fn = validatorFor(schema);
  return acceptedQuickly(schema, fn, value) || fn(value) === true;
}

/** The raw JSON Schema document for a schema (for OpenAPI generation and documentation). */
export function getSchemaDocument(schema: SchemaRef): Readonly<Record<string, unknown>> {
  return SCHEMA_DOCUMENTS[schemaIdOf(schema) as keyof typeof SCHEMA_DOCUMENTS];
}

/** Every schema document, keyed by `$id`. */
export function allSchemaDocuments(): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
  return SCHEMA_DOCUMENTS;
}

export type { SchemaName };
