import { type PurlDraft, purlInvalid } from './purl-draft.js';
import { isWellFormed } from './purl-encoding.js';
import type { Purl } from './purl-model.js';
import { PURL_TYPE_HOOKS } from './purl-type-hooks.js';
import type { PurlComponentRules, PurlTypeRules } from './purl-type-rules.js';
import { PURL_TYPE_RULES } from './purl-types.generated.js';

// No package names a NUL, and text columns (PostgreSQL) and C-string APIs cannot hold one.
const NUL = '\u0000';

const TYPE = /^[A-Za-z][A-Za-z0-9.-]*$/;
const NO_RULES: PurlTypeRules = {};
const compiled = new Map<string, RegExp>();

/** The rules of a registered type; an unregistered type gets only the generic rules. */
export function purlTypeRules(type: string): PurlTypeRules {
  return Object.hasOwn(PURL_TYPE_RULES, type) ? (PURL_TYPE_RULES[type] ?? NO_RULES) : NO_RULES;
}

/** True when `type` is one of the purl-spec registered types. */
export function isRegisteredPurlType(type: string): boolean {
  return Object.hasOwn(PURL_TYPE_RULES, type);
}

/** How {@link normalizeDraft} treats a draft. */
export interface NormalizeOptions {
  /**
   * The draft is a match pattern, not a purl: required qualifiers may be missing and the version
   * (which may end in a `*` wildcard) is not held to the type's permitted characters.
   */
  readonly pattern?: boolean;
}

/**
 * Applies the generic and type-specific rules to a draft: validates the type, folds case where
 * the type definition says a component is case insensitive, runs the prose rules, then checks
 * the required and prohibited components and the permitted characters. Throws `PURL_INVALID`.
 */
export function normalizeDraft(draft: PurlDraft, options: NormalizeOptions = {}): Purl {
  const pattern = options.pattern === true;
  if (!TYPE.test(draft.type)) throw purlInvalid(`invalid purl type ${JSON.stringify(draft.type)}`);
  draft.type = draft.type.toLowerCase();
  const rules = purlTypeRules(draft.type);
  if (rules.namespace?.caseSensitive === false) draft.namespace = draft.namespace.map((s) => s.toLowerCase());
  if (rules.name?.caseSensitive === false) draft.name = draft.name.toLowerCase();
  if (rules.version?.caseSensitive === false && draft.version !== null) {
    draft.version = draft.version.toLowerCase();
  }
  if (rules.subpath?.caseSensitive === false) draft.subpath = draft.subpath.map((s) => s.toLowerCase());
  if (draft.name === '') throw purlInvalid('a purl needs a name');
  if (Object.hasOwn(PURL_TYPE_HOOKS, draft.type)) PURL_TYPE_HOOKS[draft.type]?.(draft);

  const purl: Purl = {
    type: draft.type,
    namespace: draft.namespace.length > 0 ? draft.namespace.join('/') : null,
    name: draft.name,
    version: draft.version === '' ? null : draft.version,
    qualifiers: draft.qualifiers.size > 0 ? sortedObject(draft.qualifiers) : null,
    subpath: draft.subpath.length > 0 ? draft.subpath.join('/') : null,
  };
  check(purl.type, 'namespace', purl.namespace, rules.namespace);
  check(purl.type, 'name', purl.name, rules.name);
  check(purl.type, 'version', purl.version, pattern ? undefined : rules.version);
  check(purl.type, 'subpath', purl.subpath, rules.subpath);
  for (const key of pattern ? [] : (rules.requiredQualifiers ?? [])) {
    if (!draft.qualifiers.has(key)) throw purlInvalid(`a ${purl.type} purl needs the qualifier ${key}`);
  }
  for (const value of draft.qualifiers.values()) {
    if (!isWellFormed(value)) throw purlInvalid('a qualifier value is not well-formed Unicode');
    if (value.includes(NUL)) throw purlInvalid('a qualifier value contains a NUL character');
  }
  return purl;
}

function check(
  type: string,
  what: string,
  value: string | null,
  rules: PurlComponentRules | undefined,
): void {
  if (value === null) {
    if (rules?.requirement === 'required') throw purlInvalid(`a ${type} purl needs a ${what}`);
    return;
  }
  if (rules?.requirement === 'prohibited') throw purlInvalid(`a ${type} purl has no ${what}`);
  if (!isWellFormed(value)) throw purlInvalid(`the ${what} is not well-formed Unicode`);
  if (value.includes(NUL)) throw purlInvalid(`the ${what} contains a NUL character`);
  if (rules?.permittedCharacters && !regexOf(rules.permittedCharacters).test(value)) {
    throw purlInvalid(`${JSON.stringify(value)} is not a valid ${type} ${what}`);
  }
}

function regexOf(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    compiled.set(source, re);
  }
  return re;
}

function sortedObject(map: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key) as string;
  return out;
}
