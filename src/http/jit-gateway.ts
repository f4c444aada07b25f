import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, printSchema, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

const MAX_COMPILED = 500;

/**
 * Runs operations with graphql-jit instead of graphql-js: each distinct operation
 * is compiled once into a function (variable coercion included), which is where
 * batch `predict` spends its time. Apollo Server 4+ accepts a custom executor
 * only through its gateway interface, hence the shape.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const compiled = new Map<string, CompiledQuery>();
  const executor: GatewayExecutor = async (ctx) => {
    // An operationName naming no operation of the document (or none given for several):
    // Apollo answers a 500 unless execution reports it, so report it as graphql-js would.
    if (!ctx.operation) {
      const name = ctx.request.operationName;
      return { errors: [new GraphQLError(name != null ? `Unknown operation named "${name}".` : 'Must provide operation name if query contains multiple operations.')] };
    }
    // Executed over HTTP a subscription would run its event resolver as a query and fail inside.
    if (ctx.operation.operation === 'subscription') {
      const message = 'Subscriptions are served over WebSocket (graphql-ws) at this path, not over HTTP';
      return { errors: [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } })] };
    }
    const key = `${ctx.operationName ?? ''}:${ctx.queryHash}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, ctx.document, ctx.operationName ?? undefined);
      if (!isCompiledQuery(result)) return result;
      // Oldest first out: a server sees a handful of operations, so a bound is all that is needed.
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
      compiled.set(key, result);
      query = result;
    }
    const result = await query.query(undefined, ctx.context, ctx.request.variables ?? {});
    if (!result.errors) return result;
    // No data at all means execution never started: the variables failed coercion.
    const code = result.data === undefined ? 'BAD_USER_INPUT' : undefined;
    return { ...result, errors: result.errors.map((e) => asGraphQLJsError(e, code)) };
  };
  return {
    load: async () => ({ executor }),
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    stop: async () => undefined,
  };
}

/**
 * graphql-jit's errors are frozen look-alikes whose `extensions` is undefined;
 * Apollo's error formatting expects graphql-js errors. Rebuild them, keeping the
 * resolver's error as `originalError` so coded errors keep their code.
 */
function asGraphQLJsError(error: GraphQLError, code?: string): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: code ? { ...error.extensions, code } : (error.extensions ?? {}),
  });
  (rebuilt as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}
