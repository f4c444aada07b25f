import { GraphQLScalarType, Kind } from 'graphql';

/** Accepts a protocol name ("TCP") or number (6); the record validator decides if it is known. */
export const ProtocolScalar = new GraphQLScalarType<string | number, string>({
  name: 'Protocol',
  description: 'An IP protocol as a name (TCP, UDP, ICMP, ...) or an IANA number 0-255.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value === 'string' || typeof value === 'number') return value;
    throw new TypeError('Protocol must be a string or an integer');
  },
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return ast.value;
    if (ast.kind === Kind.INT) return Number(ast.value);
    throw new TypeError('Protocol must be a string or an integer');
  },
});
