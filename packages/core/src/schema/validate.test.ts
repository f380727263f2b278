import { readdirSync, readFileSync } from 'node:fs';
import { isCoreError } from '../error.js';
import { SCHEMA_IDS, type SchemaName } from './schema-ids.js';
import { getSchemaDocument, isValid, schemaIssues, validate } from './validate.js';

const examplesDir = new URL('../../../../schemas/examples/', import.meta.url);

/** `schemas/examples/<file base>/` → the schema it holds examples for. */
function schemaForFolder(folder: string): SchemaName {
  const entry = Object.entries(SCHEMA_IDS).find(([, id]) => id.endsWith(`/${folder}.schema.json`));
  if (!entry) throw new Error(`no schema for examples folder ${folder}`);
  return entry[0] as SchemaName;
}

const cases = readdirSync(examplesDir).flatMap((folder) =>
  readdirSync(new URL(`${folder}/`, examplesDir))
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({
      folder,
      file,
      schema: schemaForFolder(folder),
      doc: JSON.parse(readFileSync(new URL(`${folder}/${file}`, examplesDir), 'utf8')) as unknown,
    })),
);

describe('schema examples', () => {
  it('has valid and invalid examples for every schema', () => {
    for (const name of Object.keys(SCHEMA_IDS)) {
      const mine = cases.filter((c) => c.schema === name);
      expect({ name, valid: mine.some((c) => c.file.startsWith('valid-')) }).toEqual({ name, valid: true });
      expect({ name, invalid: mine.some((c) => c.file.startsWith('invalid-')) }).toEqual({
        name,
        invalid: true,
      });
    }
  });

  it.each(cases.filter((c) => c.file.startsWith('valid-')))('$folder/$file is valid', ({ schema, doc }) => {
    expect(schemaIssues(schema, doc)).toEqual([]);
    expect(validate(schema, doc)).toBe(doc);
  });

  it.each(cases.filter((c) => c.file.startsWith('invalid-')))(
    '$folder/$file fails for the reason its name says',
    ({ schema, file, doc }) => {
      const keyword = file.split('-')[1];
      let caught: unknown;
      try {
        validate(schema, doc);
      } catch (err) {
        caught = err;
      }
      expect(isCoreError(caught, 'SCHEMA_INVALID')).toBe(true);
      const issues = isCoreError(caught) ? (caught.issues ?? []) : [];
      expect(issues.map((i) => i.keyword)).toContain(keyword);
    },
  );
});

describe('validate', () => {
  const good = cases.find((c) => c.file === 'valid-express-lodash.json')!.doc as Record<string, unknown>;

  it('lists every violation with its JSON pointer', () => {
    const bad = structuredClone(good) as { nodes: Record<string, unknown>[]; edges: unknown };
    bad.nodes[0]!['line'] = -1;
    bad.nodes[1]!['kind'] = 'lambda';
    delete (bad as Record<string, unknown>)['edges'];
    const issues = schemaIssues('reachgraph.min@v1', bad);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/nodes/0/line', keyword: 'minimum' }),
        expect.objectContaining({ pointer: '/nodes/1/kind', keyword: 'enum' }),
        expect.objectContaining({ pointer: '/edges', keyword: 'required' }),
      ]),
    );
  });

  it('accepts a schema by $id as well as by short name', () => {
    expect(isValid(SCHEMA_IDS['reachgraph.min@v1'], good)).toBe(true);
    expect(isValid('reachgraph.min@v1', { ...good, schemaVersion: 'x' })).toBe(false);
  });

  it('rejects an unknown schema with SCHEMA_UNKNOWN', () => {
    expect(() => validate('nope@v9' as SchemaName, {})).toThrow(
      expect.objectContaining({ code: 'SCHEMA_UNKNOWN' }),
    );
  });

  it('escapes pointer tokens for members with / and ~ in their names', () => {
    const issues = schemaIssues('callgraph-record@v1', {
      type: 'node',
      id: 'x',
      'a/b~c': 1,
    });
    expect(issues.map((i) => i.pointer)).toContain('/a~1b~0c');
  });

  it('returns the raw schema documents', () => {
    expect(getSchemaDocument('problem@v1')['$id']).toBe(SCHEMA_IDS['problem@v1']);
  });
});
