import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import { isAppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Extra } from '../http/graphql-ws.transport';
import { limitError } from './limit-error';
import { authOf, type RequestLimits } from './request-limits';

type ContextOf<C> = (ctx: Context<undefined, Extra>, id: string, payload: SubscribePayload, args: ExecutionArgs) => C | Promise<C>;

/**
 * graphql-ws `onSubscribe`: every operation on a WebSocket passes the same
 * limits as over HTTP (rate, depth, complexity) plus the number of operations
 * a connection may run at once. It also parses and validates the operation
 * itself so that every refusal carries a code — graphql-ws's own handling
 * throws on a syntax error (closing the socket with 4500) and sends
 * validation errors without one.
 */
export function limitedOnSubscribe<C extends object>(
  schema: GraphQLSchema,
  limits: RequestLimits,
  contextOf: ContextOf<C>,
): NonNullable<ServerOptions<undefined, Extra>['onSubscribe']> {
  return async (ctx, id, payload) => {
    const running = Object.keys(ctx.subscriptions).length; // this one included
    if (running > limits.maxSubscriptionsPerConnection) {
      const max = limits.maxSubscriptionsPerConnection;
      return [limitError(ErrorCode.TOO_MANY_SUBSCRIPTIONS, `A connection may run at most ${max} operations at once`, { maxSubscriptions: max })];
    }

    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (err) {
      return [coded(err as GraphQLError, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED)];
    }
    const args: ExecutionArgs = { schema, document, operationName: payload.operationName, variableValues: payload.variables };

    let contextValue: C;
    try {
      contextValue = await contextOf(ctx, id, payload, args);
    } catch (err) {
      if (isAppError(err)) return [new GraphQLError(err.message, { originalError: err, extensions: { code: err.code } })];
      throw err;
    }
    const refused = limits.admitGraphQL(authOf(contextValue), ctx.extra.request.socket.remoteAddress);
    if (refused) return [refused];

    const invalid = validate(schema, document, specifiedRules);
    if (invalid.length > 0) return invalid.map((e) => coded(e, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED));
    const tooDeep = validate(schema, document, limits.query.validationRules);
    if (tooDeep.length > 0) return tooDeep;

    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [coded(new GraphQLError('Unable to identify the operation to run'), ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE)];
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (coerced.errors) return coerced.errors.map((e) => coded(e, ErrorCode.BAD_USER_INPUT));
    const tooComplex = limits.query.checkComplexity(document, payload.operationName ?? undefined, payload.variables ?? undefined);
    if (tooComplex) return [tooComplex];

    return { ...args, contextValue };
  };
}

function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
