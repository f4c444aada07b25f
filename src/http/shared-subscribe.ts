import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql's subscribe(), except that an event is executed once per distinct
 * operation (document, operation name, variables) instead of once per subscriber:
 * with a hundred dashboards open, one anomaly costs one execution, not a hundred.
 *
 * Sharing is keyed on the event object, which the event bus hands to every
 * listener of a server, and is sound here because no resolver of a subscription
 * result depends on who asked (the context holds only the server's services).
 */
export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const operation = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${print(args.document)}`;
  return mapEvents(source[Symbol.asyncIterator](), (event) => executeOnce(event, operation, args));
}

const executions = new WeakMap<object, Map<string, Result>>();

function executeOnce(event: unknown, operation: string, args: ExecutionArgs): Result {
  if (event === null || typeof event !== 'object') return execute({ ...args, rootValue: event });
  let byOperation = executions.get(event);
  if (!byOperation) executions.set(event, (byOperation = new Map()));
  let result = byOperation.get(operation);
  if (!result) byOperation.set(operation, (result = execute({ ...args, rootValue: event })));
  return result;
}

/** Like graphql's own mapAsyncIterator: return() reaches the source at once, even while a next() is pending. */
function mapEvents<T>(source: AsyncIterator<T>, fn: (value: T) => Result): AsyncGenerator<ExecutionResult> {
  const done = async (): Promise<IteratorReturnResult<undefined>> => {
    await source.return?.();
    return { done: true, value: undefined };
  };
  return {
    async next() {
      const r = await source.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: await fn(r.value) };
    },
    return: done,
    async throw(err: unknown) {
      await done();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async [Symbol.asyncDispose]() {
      await done();
    },
  };
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}
