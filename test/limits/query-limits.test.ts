import { getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import * as dashboardOperations from '../../src/dashboard/api/operations';
import { AppError } from '../../src/errors/app-error';
import { QueryLimits } from '../../src/limits/query-limits';
import { buildAppSchema } from '../../src/schema/build-schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema();
});

/** What the server does: graphql's own rules first, the limits only on a valid document. */
function check(limits: QueryLimits, query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const invalid = validate(schema, document, specifiedRules);
  if (invalid.length > 0) return { invalid: invalid.map((e) => e.message) };
  const tooDeep = validate(schema, document, limits.validationRules);
  return { tooDeep, tooComplex: limits.checkComplexity(document, undefined, variables) };
}

const codeOf = (error: { originalError?: unknown } | undefined) => (error?.originalError as AppError | undefined)?.code;

describe('query depth', () => {
  const nested = '{ anomalies { edges { node { detectors { name } } } } }'; // 4 levels below the root field

  it('accepts an operation at the limit and refuses one level more with QUERY_TOO_DEEP, once', () => {
    expect(check(new QueryLimits(schema, 4, 1e6), nested).tooDeep).toEqual([]);
    const { tooDeep } = check(new QueryLimits(schema, 3, 1e6), nested);
    expect(tooDeep).toHaveLength(1);
    expect(codeOf(tooDeep![0])).toBe('QUERY_TOO_DEEP');
    expect(tooDeep![0].extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maxDepth: 3 });
    expect(tooDeep![0].locations).toBeDefined();
  });

  it('counts depth through fragments and inline fragments', () => {
    const viaFragments = `query { anomalies { ...Page } }
      fragment Page on AnomalyConnection { edges { ... on AnomalyEdge { node { ...Node } } } }
      fragment Node on Anomaly { detectors { name } }`;
    expect(codeOf(check(new QueryLimits(schema, 3, 1e6), viaFragments).tooDeep![0])).toBe('QUERY_TOO_DEEP');
    expect(check(new QueryLimits(schema, 4, 1e6), viaFragments).tooDeep).toEqual([]);
  });

  it('leaves documents with unknown fragments or fragment cycles to graphql own rules (no crash)', () => {
    const limits = new QueryLimits(schema, 2, 1e6);
    expect(check(limits, '{ profiles { ...Missing } }').invalid).toEqual([expect.stringContaining('Unknown fragment')]);
    const cycle = '{ profiles { ...A } } fragment A on Profile { name ...B } fragment B on Profile { site ...A }';
    expect(check(limits, cycle).invalid!.some((m) => m.includes('Cannot spread fragment'))).toBe(true);
  });
});

describe('query complexity', () => {
  let limits: QueryLimits;
  beforeAll(() => {
    limits = new QueryLimits(schema, 10, 100_000);
  });
  const cost = (query: string, variables: Record<string, unknown> = {}) => limits.complexity(parse(query), undefined, variables);

  it('counts 1 per field and multiplies a paginated field by `first`, from a literal, a variable or the default', () => {
    // anomalies: 1 + first × (nodes: 1 + id)
    expect(cost('{ anomalies(first: 7) { nodes { id } } }')).toBe(1 + 7 * 2);
    expect(cost('query($n: Int!) { anomalies(first: $n) { nodes { id } } }', { n: 300 })).toBe(1 + 300 * 2);
    expect(cost('{ anomalies { nodes { id } } }')).toBe(1 + 50 * 2); // first defaults to 50
  });

  it('counts a size past what any resolver accepts as 1,000, leaving the refusal (BAD_USER_INPUT, with the range) to the resolver', () => {
    expect(cost('{ anomalies(first: 100000) { nodes { id } } }')).toBe(1 + 1_000 * 2);
  });

  it('weighs lists without a size argument as 10 items, scalar lists included', () => {
    expect(cost('{ detectors { name } }')).toBe(1 + 10 * 1);
    // models: 1 + 10 × (features: 1 + 10 × 1)
    expect(cost('{ models { features } }')).toBe(1 + 10 * 11);
    // anomalyStats: 1 + max(buckets, hosts) × (timeline: 1 + count)
    expect(cost('{ anomalyStats(since: "2026-01-01T00:00:00Z", buckets: 100) { timeline { count } } }')).toBe(1 + 100 * 2);
  });

  it('skips fields left out by @skip/@include', () => {
    expect(cost('query($no: Boolean!) { detectors @include(if: $no) { name } profiles { name } }', { no: false })).toBe(1 + 10);
  });

  it('accepts every operation the dashboard sends, the GraphiQL introspection query and a full page of 500 anomalies', () => {
    const variables = { since: '2026-01-01T00:00:00Z', buckets: 1000, profile: 'default', jobId: '1', id: '1', input: { name: 'x' } };
    for (const [name, query] of Object.entries(dashboardOperations)) {
      const result = check(limits, query, variables);
      expect({ name, ...result }).toEqual({ name, tooDeep: [], tooComplex: undefined });
    }
    const introspection = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    expect(check(limits, introspection)).toEqual({ tooDeep: [], tooComplex: undefined });
    const fullPage = `{ anomalies(first: 500) { edges { cursor node { id profile time score srcIp destIp srcPort destPort protocol record modelIds
      detectors { name score normalizedScore threshold isAnomaly modelId modelVersion } explanation { feature value typical weight message } } }
      pageInfo { hasNextPage endCursor } } }`;
    expect(check(limits, fullPage).tooComplex).toBeUndefined();
  });

  it('refuses an expensive operation with QUERY_TOO_COMPLEX naming the cost and the limit', () => {
    const small = new QueryLimits(schema, 10, 1_000);
    const error = small.checkComplexity(parse('query($n: Int!) { anomalies(first: $n) { nodes { id detectors { name } } } }'), undefined, { n: 500 });
    expect(codeOf(error)).toBe('QUERY_TOO_COMPLEX');
    expect(error!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxComplexity: 1_000, complexity: 1 + 500 * (1 + 1 + 11) });
    expect(small.checkComplexity(parse('{ anomalies(first: 10) { nodes { id } } }'), undefined, {})).toBeUndefined();
  });

  it('refuses introspection that nests lists of lists, which the depth limit does not count', () => {
    // Within graphql's own introspection depth rule (fields nested at most twice), still ~10^5 as estimated.
    const bomb = '{ __schema { types { fields { args { type { fields { args { type { name } } } } } } } } }';
    const { tooDeep, tooComplex } = check(limits, bomb);
    expect(tooDeep).toEqual([]);
    expect(codeOf(tooComplex)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a document whose fragments expand past 10,000 selections without walking all of it', () => {
    // Each fragment spreads the previous one twice: 2^20 selections once expanded.
    const fragments = Array.from({ length: 20 }, (_, i) =>
      i === 0 ? 'fragment F0 on Profile { name site }' : `fragment F${i} on Profile { ...F${i - 1} a${i}: site ...F${i - 1} }`,
    );
    const query = `{ profiles { ...F19 } } ${fragments.join(' ')}`;
    const started = Date.now();
    const error = limits.checkComplexity(parse(query), undefined, {});
    expect(codeOf(error)).toBe('QUERY_TOO_COMPLEX');
    expect(Date.now() - started).toBeLessThan(3_000); // 2^20 selections would take far longer
  });

  it('leaves an operation with bad variables to execution, which refuses it with BAD_USER_INPUT', () => {
    expect(limits.checkComplexity(parse('query($n: Int!) { anomalies(first: $n) { nodes { id } } }'), undefined, { n: 'many' })).toBeUndefined();
  });
});
