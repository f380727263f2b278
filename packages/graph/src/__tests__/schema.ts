import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';

// ajv and ajv-formats are CommonJS; their default export is the module object itself.
type AjvClass = typeof _Ajv2020.default;
type AddFormats = typeof _addFormats.default;
const Ajv2020: AjvClass =
  (_Ajv2020 as unknown as { default?: AjvClass }).default ?? (_Ajv2020 as unknown as AjvClass);
const addFormats: AddFormats =
  (_addFormats as unknown as { default?: AddFormats }).default ?? (_addFormats as unknown as AddFormats);

const SCHEMAS = ['common', 'reachgraph-min', 'slice-response', 'callgraph-record', 'runtime-fact'];

function load(name: string): object {
  return JSON.parse(
    readFileSync(new URL(`../../../../schemas/${name}.v1.schema.json`, import.meta.url), 'utf8'),
  );
}

let ajv: InstanceType<AjvClass> | undefined;

/** The compiled validator of `schemas/<name>.v1.schema.json`, straight from the repository files. */
export function validator(name: 'slice-response' | 'reachgraph-min'): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv);
    for (const s of SCHEMAS) ajv.addSchema(load(s));
  }
  const fn = ajv.getSchema(`https://stella-ops.org/schemas/${name}.v1.schema.json`);
  if (!fn) throw new Error(`schema ${name} not found`);
  return fn;
}

/** Fails the test with ajv's messages when `value` does not validate against `name`. */
export function expectValid(name: 'slice-response' | 'reachgraph-min', value: unknown): void {
  const validate = validator(name);
  if (!validate(value)) throw new Error(`${name}: ${JSON.stringify(validate.errors, null, 2)}`);
}
