import depthLimit from 'graphql-depth-limit';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../errors/error-codes';
import { limitError } from './limit-error';

/** Arguments that bound how many items a field returns (page size, stats buckets and hosts). */
const SIZE_ARGUMENTS = ['first', 'last', 'limit', 'buckets', 'hosts'] as const;
/**
 * The largest size argument any resolver accepts (anomalyStats `buckets`; pages
 * stop at 500): a larger one is counted as this, so the resolver refuses it with
 * BAD_USER_INPUT naming the allowed range instead of a bare QUERY_TOO_COMPLEX.
 */
const MAX_COUNTED_SIZE = 1_000;
/** Items assumed for a list with no size argument: detectors, explanations, profiles, model versions are short. */
export const DEFAULT_LIST_SIZE = 10;
/** Selections visited (fragments expanded) before an operation is refused outright as too complex. */
const MAX_QUERY_NODES = 10_000;

/**
 * `graphql-depth-limit` with a coded error. Its walk assumes a valid document
 * (it crashes on an unknown fragment and recurses forever on a fragment cycle),
 * so it must run only after graphql's own rules passed: Apollo's
 * `laterValidationRules` and the WebSocket guard both do that.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  const rule = depthLimit(maxDepth) as (context: ValidationContext) => unknown;
  return (context) => {
    let reported = false;
    // The package reports one error per node past the limit; one per document says it all.
    const coded = Object.create(context, {
      reportError: {
        value: (error: GraphQLError) => {
          if (reported) return;
          reported = true;
          context.reportError(
            limitError(ErrorCode.QUERY_TOO_DEEP, `Query is nested deeper than the limit of ${maxDepth}`, { maxDepth }, { nodes: error.nodes }),
          );
        },
      },
    }) as ValidationContext;
    rule(coded);
    return {};
  };
}

/**
 * Types whose lists are as long as the size argument of the field that returned
 * them (a connection's edges and nodes, a stats window's timeline): the size is
 * counted once, on that field, not again on every list inside.
 */
function typesSizedByTheirField(schema: GraphQLSchema): Set<string> {
  const sized = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((a) => (SIZE_ARGUMENTS as readonly string[]).includes(a.name))) sized.add(getNamedType(field.type).name);
    }
  }
  return sized;
}

function sizeArgument(args: Record<string, unknown>): number | undefined {
  let size: number | undefined;
  for (const name of SIZE_ARGUMENTS) {
    const value = args[name];
    if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, value);
  }
  return size === undefined ? undefined : Math.min(size, MAX_COUNTED_SIZE);
}

/**
 * 1 per field; a field with a size argument (`first`, `limit`, `buckets`, `hosts`)
 * costs that many times its selection, any other list DEFAULT_LIST_SIZE times.
 * `predict` returns one item per input record: those are bounded by
 * MAX_BATCH_RECORDS, so its list counts like any other.
 */
function listSizeEstimator(schema: GraphQLSchema): ComplexityEstimator {
  const sizedTypes = typesSizedByTheirField(schema);
  return ({ type, field, args, childComplexity }) => {
    const item = Math.max(1, childComplexity);
    const size = sizeArgument(args);
    if (size !== undefined) return 1 + Math.max(0, size) * item;
    if (isListType(getNullableType(field.type)) && !sizedTypes.has(type.name)) return 1 + DEFAULT_LIST_SIZE * item;
    return 1 + childComplexity;
  };
}

export class QueryLimits {
  readonly validationRules: ValidationRule[];
  private readonly estimators: ComplexityEstimator[];

  constructor(
    private readonly schema: GraphQLSchema,
    readonly maxDepth: number,
    readonly maxComplexity: number,
  ) {
    this.validationRules = [depthLimitRule(maxDepth)];
    this.estimators = [listSizeEstimator(schema)];
  }

  /** The operation's estimated cost with these variables; undefined when it cannot be costed (bad variables: execution refuses those itself). */
  complexity(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number | undefined {
    try {
      return getComplexity({ schema: this.schema, query: document, operationName, variables, estimators: this.estimators, maxQueryNodes: MAX_QUERY_NODES });
    } catch (err) {
      if ((err as Error).message.startsWith('Query exceeds the maximum allowed number of nodes')) return Infinity;
      return undefined;
    }
  }

  /** QUERY_TOO_COMPLEX when the operation costs more than allowed, else undefined. Call after validation. */
  checkComplexity(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
    const complexity = this.complexity(document, operationName, variables);
    if (complexity === undefined || complexity <= this.maxComplexity) return undefined;
    const shown = Number.isFinite(complexity) ? complexity : `over ${MAX_QUERY_NODES} selections`;
    return limitError(ErrorCode.QUERY_TOO_COMPLEX, `Query complexity ${shown} exceeds the limit of ${this.maxComplexity}`, {
      maxComplexity: this.maxComplexity,
      ...(Number.isFinite(complexity) ? { complexity } : {}),
    });
  }
}
