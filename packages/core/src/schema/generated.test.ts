import { readdirSync, readFileSync } from 'node:fs';
// @ts-expect-error — a plain ESM script shared with the generator, it has no type declarations.
import { generateSchemaArtifacts } from '../../../../scripts/schema-artifacts.mjs';

const schemaDir = new URL('../../../../schemas/', import.meta.url);

describe('generated schema artifacts', () => {
  it('are exactly what schemas/*.schema.json produce (run `pnpm gen:schemas` after editing a schema)', async () => {
    const schemas = readdirSync(schemaDir)
      .filter((f) => f.endsWith('.schema.json'))
      .sort()
      .map((file) => ({
        file,
        schema: JSON.parse(readFileSync(new URL(file, schemaDir), 'utf8')) as unknown,
      }));
    const artifacts = (await generateSchemaArtifacts(schemas)) as Record<string, string>;
    for (const [name, text] of Object.entries(artifacts)) {
      const committed = readFileSync(new URL(name, import.meta.url), 'utf8');
      expect({ name, upToDate: committed === text }).toEqual({ name, upToDate: true });
    }
  });
});
