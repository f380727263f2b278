import { readdirSync, readFileSync } from 'node:fs';
// @ts-expect-error — a plain ESM script (the generator), it has no type declarations.
import { generatePurlTypes, readPurlTypeSources } from '../../../../scripts/gen-purl-types.mjs';
import { isRegisteredPurlType } from './purl-normalize.js';
import { PURL_TYPE_RULES } from './purl-types.generated.js';

const purlDir = new URL('../../vectors/purl/', import.meta.url);

describe('generated purl type rules', () => {
  it('are exactly what the purl-spec type definitions produce (run `node scripts/gen-purl-types.mjs`)', () => {
    const { definitions, index } = readPurlTypeSources(purlDir.pathname) as {
      definitions: unknown[];
      index: string[];
    };
    const text = generatePurlTypes(definitions, index) as string;
    const committed = readFileSync(new URL('purl-types.generated.ts', import.meta.url), 'utf8');
    expect(committed === text).toBe(true);
  });

  it('cover every registered type and every type the suite tests', () => {
    const index = JSON.parse(readFileSync(new URL('purl-types-index.json', purlDir), 'utf8')) as string[];
    expect(Object.keys(PURL_TYPE_RULES).sort()).toEqual([...index].sort());
    const tested = readdirSync(new URL('tests/types/', purlDir)).map((f) => f.replace(/-test\.json$/, ''));
    for (const type of tested)
      expect({ type, registered: isRegisteredPurlType(type) }).toEqual({ type, registered: true });
  });

  it('refuse an index that does not match the definitions', () => {
    const { definitions, index } = readPurlTypeSources(purlDir.pathname) as {
      definitions: unknown[];
      index: string[];
    };
    expect(() => generatePurlTypes(definitions, [...index, 'not-a-type'])).toThrow(/not-a-type/);
  });

  it('do not treat Object.prototype members as registered types', () => {
    expect(isRegisteredPurlType('constructor')).toBe(false);
    expect(isRegisteredPurlType('npm')).toBe(true);
  });
});
