import { addQualifier, type PurlDraft, purlInvalid, segmentsOf } from './purl-draft.js';
import { percentEncode } from './purl-encoding.js';
import type { Purl, PurlComponents } from './purl-model.js';

/** Types whose name may span several `/`-separated segments (written unencoded). */
const MULTI_SEGMENT_NAME = new Set(['git']);

/** The canonical string of an already normalised purl (the purl-spec "How to build" steps). */
export function toCanonicalString(purl: Purl): string {
  let out = `pkg:${purl.type}/`;
  if (purl.namespace !== null) out += `${purl.namespace.split('/').map(percentEncode).join('/')}/`;
  out += MULTI_SEGMENT_NAME.has(purl.type)
    ? purl.name.split('/').map(percentEncode).join('/')
    : percentEncode(purl.name);
  if (purl.version !== null) out += `@${percentEncode(purl.version)}`;
  if (purl.qualifiers !== null) {
    const pairs = Object.keys(purl.qualifiers)
      .sort()
      .map((k) => `${k}=${percentEncode(purl.qualifiers?.[k] ?? '')}`);
    out += `?${pairs.join('&')}`;
  }
  if (purl.subpath !== null) out += `#${purl.subpath.split('/').map(percentEncode).join('/')}`;
  return out;
}

/**
 * A draft from caller-supplied components, checked at run time (callers may be plain
 * JavaScript): `type` and `name` must be strings; optional parts may be missing, `null` or empty.
 * Qualifier keys are lower-cased as the build algorithm says.
 */
export function draftFromComponents(components: PurlComponents): PurlDraft {
  if (components === null || typeof components !== 'object')
    throw purlInvalid('purl components must be an object');
  const { type, namespace, name, version, qualifiers, subpath } = components;
  if (typeof type !== 'string' || type === '') throw purlInvalid('a purl needs a type');
  if (typeof name !== 'string' || name === '') throw purlInvalid('a purl needs a name');
  const draft: PurlDraft = {
    type,
    namespace: segmentsOf(optionalString(namespace, 'namespace')),
    name: MULTI_SEGMENT_NAME.has(type.toLowerCase()) ? name : name.replace(/^\/+|\/+$/g, ''),
    version: optionalString(version, 'version') || null,
    qualifiers: new Map(),
    subpath: segmentsOf(optionalString(subpath, 'subpath')).filter((s) => s !== '.' && s !== '..'),
  };
  if (qualifiers !== null && qualifiers !== undefined) {
    if (typeof qualifiers !== 'object') throw purlInvalid('qualifiers must be an object');
    for (const [key, value] of Object.entries(qualifiers)) {
      if (value === null || value === undefined) continue;
      if (typeof value !== 'string') throw purlInvalid(`qualifier ${key} must be a string`);
      addQualifier(draft.qualifiers, key.toLowerCase(), value);
    }
  }
  return draft;
}

function optionalString(value: unknown, what: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') throw purlInvalid(`the ${what} must be a string`);
  return value;
}
