import fc from 'fast-check';

/** Printable ASCII: what a header value can carry (fetch refuses control characters before sending). */
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

/** Plausible values first, then anything JSON can carry, for every field of a record. */
const anyJson = fc.jsonValue({ maxDepth: 2 });
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('999.1.1.1', '10.0.0', '::ffff:1.2.3.4', ''), fc.string({ maxLength: 20 }), anyJson);
const port = fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.double(), fc.constantFrom('80', 'http', null), anyJson);
const protocol = fc.oneof(fc.constantFrom('TCP', 'UDP', 'ICMP', 'tcp', '6', '17', 'GRE', '256', '-1', ''), fc.integer({ min: -5, max: 300 }), anyJson);
const size = fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double(), fc.constantFrom('100', 1e308), anyJson);
const timestamp = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }).map((d) => d.toISOString()),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 30 }),
  anyJson,
);

/** The seed tool's record, with any field missing, plausible or absurd. */
export const seedRecord = fc.record(
  { src_ip: ip, dest_ip: ip, src_port: port, dest_port: port, protocol, packet_size: size, timestamp },
  { requiredKeys: [] },
);

/** TrafficRecordInput, likewise; GraphQL coerces the types, detection validates the values. */
export const graphqlRecord = fc.record(
  {
    timestamp,
    srcIp: ip,
    destIp: ip,
    srcPort: port,
    destPort: port,
    protocol,
    packetSize: size,
    duration: size,
    bytesOut: size,
    bytesIn: size,
    packetsOut: size,
    packetsIn: size,
    connState: fc.oneof(fc.constantFrom('SF', 'S0', 'REJ', 'OTH'), fc.string({ maxLength: 10 }), anyJson),
    service: fc.oneof(fc.string({ maxLength: 10 }), anyJson),
    srcMac: fc.oneof(fc.constantFrom('aa:bb:cc:dd:ee:ff', 'zz'), anyJson),
    attributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 5 }), anyJson),
    bogusField: anyJson,
  },
  { requiredKeys: [] },
);

export const restBody = fc.oneof(
  { weight: 3, arbitrary: fc.array(seedRecord, { maxLength: 12 }).map((r) => Buffer.from(JSON.stringify(r))) },
  { weight: 2, arbitrary: anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)) },
);

export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'application/graphql-response+json',
    'application/graphql',
  ),
  printable,
  fc.constant(undefined),
);

export const contentEncoding = fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-bogus', 'gzip, gzip'), { nil: undefined });

const profileName = fc.oneof(fc.constantFrom('default', 'fuzz-a', 'fuzz-b', ''), fc.string({ maxLength: 70 }), anyJson);
const detectorName = fc.oneof(fc.constantFrom('isolation-forest', 'knn-distance', 'hbos', 'half-space-trees', 'ensemble', 'nope'), anyJson);
const params = fc.oneof(
  fc.dictionary(fc.constantFrom('nEstimators', 'maxSamples', 'k', 'bins', 'depth', 'members', 'seed', 'x'), anyJson, { maxKeys: 3 }),
  anyJson,
);
const detectorConfigs = fc.oneof(fc.array(fc.record({ name: detectorName, params }, { requiredKeys: [] }), { maxLength: 3 }), anyJson);
const fraction = fc.oneof(fc.double(), fc.constantFrom(0, 0.01, 0.5, 1, -1), anyJson);

/** A GraphQL operation with variables of any shape, some of them valid. */
export interface GraphQLCase {
  query: string;
  variables?: unknown;
  operationName?: unknown;
}

export const graphqlCase: fc.Arbitrary<GraphQLCase> = fc.oneof(
  fc.record({
    query: fc.constant(
      'mutation($profile: String!, $records: [TrafficRecordInput!]!) { predict(profile: $profile, records: $records) { score isAnomaly anomalyId modelVersion detectors { name score } explanation { feature message } } }',
    ),
    variables: fc.record({ profile: fc.oneof(fc.constant('default'), profileName), records: fc.oneof(fc.array(graphqlRecord, { maxLength: 8 }), anyJson) }, { requiredKeys: [] }),
  }),
  fc.record({
    query: fc.constant('mutation($input: ProfileInput!) { upsertProfile(input: $input) { name kind detectors { name params } contamination alertsPerDay retrainEvery } }'),
    variables: fc.record({
      input: fc.oneof(
        fc.record(
          {
            name: profileName.filter((n) => n !== 'default'),
            kind: fc.oneof(fc.constantFrom('PACKET', 'FLOW', 'TABULAR', 'bogus'), anyJson),
            detectors: detectorConfigs,
            contamination: fraction,
            alertsPerDay: fraction,
            storeTraffic: fc.oneof(fc.boolean(), anyJson),
            retrainEvery: fc.oneof(fc.integer({ min: -10, max: 100_000 }), anyJson),
          },
          { requiredKeys: [] },
        ),
        anyJson,
      ),
    }),
  }),
  fc.record({
    query: fc.constant('mutation($input: TrainModelInput!) { trainModel(input: $input) { id state progress error } }'),
    variables: fc.record({
      input: fc.oneof(
        fc.record(
          {
            // Never the default profile: its stored sample would really train, for seconds each time.
            profile: fc.oneof(fc.constantFrom('fuzz-empty', 'nope'), fc.string({ maxLength: 20 }).map((s) => `x${s}`), anyJson),
            detectors: detectorConfigs,
            source: fc.oneof(fc.record({ since: timestamp, until: timestamp, limit: fc.oneof(fc.integer(), anyJson) }, { requiredKeys: [] }), anyJson),
            contamination: fraction,
            alertsPerDay: fraction,
            params,
            seed: fc.oneof(fc.integer(), anyJson),
          },
          { requiredKeys: ['profile'] },
        ),
        anyJson,
      ),
    }),
  }),
  fc.record({
    query: fc.constant(
      'query($filter: AnomalyFilter, $first: Int!, $after: String) { anomalies(filter: $filter, first: $first, after: $after) { nodes { id score srcIp } pageInfo { hasNextPage endCursor } } }',
    ),
    variables: fc.record(
      {
        filter: fc.oneof(
          fc.record({ profile: profileName, since: timestamp, until: timestamp, minScore: fraction, srcIp: ip, destIp: ip }, { requiredKeys: [] }),
          anyJson,
        ),
        first: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.integer(), anyJson),
        after: fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 40 }), anyJson),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ query: fc.constant('query($since: DateTimeISO!, $buckets: Int!, $hosts: Int!) { anomalyStats(since: $since, buckets: $buckets, hosts: $hosts) { total timeline { count } topHosts { host } } }'), variables: fc.record({ since: timestamp, buckets: fc.oneof(fc.integer(), anyJson), hosts: fc.oneof(fc.integer(), anyJson) }, { requiredKeys: [] }) }),
  fc.record({ query: queryString(), variables: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }), { nil: undefined }), operationName: fc.option(fc.oneof(fc.string({ maxLength: 10 }), anyJson), { nil: undefined }) }),
);

/** Query text: random characters, or tokens of this schema and of GraphQL put together at random. */
export function queryString(): fc.Arbitrary<string> {
  const tokens = fc.constantFrom(
    '{', '}', '(', ')', '[', ']', ':', '!', '$', '$x', '...', '=', '@skip(if: true)', '@include(if: $x)', '@bogus',
    'query', 'mutation', 'subscription', 'fragment', 'F', 'on', 'Anomaly', 'Query',
    'predict', 'records', 'profile', 'anomalies', 'first', 'after', 'filter', 'edges', 'node', 'nodes', 'id', 'score',
    'detectors', 'name', 'params', 'profiles', 'models', 'features', 'upsertProfile', 'input', 'trainModel', 'anomalyDetected',
    'anomalyStats', 'since', 'timeline', '__schema', '__type', '__typename', 'types', 'fields', 'ofType',
    '"x"', '"""block"""', '1', '-1', '1e400', '0.5', 'true', 'null', 'Int', 'String!', '[Int!]!', '#c\n', ',',
  );
  return fc.oneof(
    fc.array(tokens, { maxLength: 40 }).map((t) => t.join(' ')),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', ' ', '{', '{ __typename }', 'subscription { anomalyDetected { id } }', 'query { x }'),
  );
}

const subscriptionCase: fc.Arbitrary<GraphQLCase> = fc.oneof(
  fc.record({
    query: fc.constant('subscription($profile: String, $minScore: Float) { anomalyDetected(profile: $profile, minScore: $minScore) { id score detectors { name } explanation { message } } }'),
    variables: fc.record({ profile: profileName, minScore: fraction }, { requiredKeys: [] }),
  }),
  fc.record({ query: fc.constant('subscription($profile: String) { modelActivated(profile: $profile) { id version } }'), variables: fc.record({ profile: profileName }, { requiredKeys: [] }) }),
  fc.record({ query: fc.constant('subscription($jobId: ID!) { trainingProgress(jobId: $jobId) { state progress } }'), variables: fc.record({ jobId: fc.oneof(fc.constantFrom('1', '0', '-1'), fc.string({ maxLength: 12 }), anyJson) }, { requiredKeys: [] }) }),
);

/**
 * What graphql-ws accepts as a subscribe payload (variables an object, operationName
 * a string): anything else closes the socket with 4400 before an operation runs,
 * which the frames of other shapes below cover already.
 */
function protocolValid({ query, variables, operationName }: GraphQLCase): GraphQLCase {
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  return { query, ...(isMap(variables) ? { variables } : {}), ...(typeof operationName === 'string' ? { operationName } : {}) };
}

const messageId = fc.oneof(fc.constantFrom('1', '2', '3'), fc.string({ maxLength: 6 }));

/** Protocol-valid frames after the ack: operations with any query and variables, completes (of any id), pings. */
export const wsOperationFrame: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ id: messageId, operation: fc.oneof(subscriptionCase, graphqlCase) })
      .map(({ id, operation }) => JSON.stringify({ id, type: 'subscribe', payload: protocolValid(operation) })),
  },
  { weight: 2, arbitrary: messageId.map((id) => JSON.stringify({ id, type: 'complete' })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ type: fc.constantFrom('ping', 'pong'), payload: fc.option(fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 2 }), { nil: undefined }) })
      .map((m) => JSON.stringify(m)),
  },
);

/** Any frame: the operations above, a second init, messages of unknown or server-only types, other JSON, text and bytes. */
export const wsFrame: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 3, arbitrary: wsOperationFrame },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('connection_init'), payload: fc.option(anyJson, { nil: undefined }) }).map((m) => JSON.stringify(m)) },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          type: fc.oneof(fc.constantFrom('subscribe', 'complete', 'next', 'error', 'connection_ack', 'ping'), fc.string({ maxLength: 10 })),
          id: fc.oneof(messageId, anyJson),
          payload: anyJson,
        },
        { requiredKeys: ['type'] },
      )
      .map((m) => JSON.stringify(m)),
  },
  { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)) },
);
