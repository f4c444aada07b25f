import { readFileSync } from 'node:fs';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildAppSchema, SCHEMA_FILE } from '../../src/schema/build-schema';

/** Order-independent comparison: the committed file and the code must describe the same API. */
const canonical = (sdl: string) => printSchema(lexicographicSortSchema(buildSchema(sdl)));

describe('schema.graphql', () => {
  it('is up to date (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8').replace(/^#.*\n/gm, '');
    const current = printSchema(await buildAppSchema());
    expect(canonical(committed)).toBe(canonical(current));
  });
});
