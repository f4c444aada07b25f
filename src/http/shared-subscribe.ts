import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { BoundedSubscription } from '../events/bounded-subscription';

export type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql's subscribe(), except that an event is executed once per distinct
 * operation (document, operation name, variables) instead of once per subscriber:
 * with a hundred dashboards open, one anomaly costs one execution, not a hundred.
 * Subscribers of the same operation get the very same result object, so whoever
 * sends it can serialize it once too.
 *
 * Sharing is keyed on the event object, which the event bus hands to every
 * listener of a server, and is sound here because no resolver of a subscription
 * result depends on who asked (the context holds only the server's services).
 */
export async function sharedSubscribe(args: ExecutionArgs): Promise<SharedEventStream | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const operation = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${print(args.document)}`;
  return new SharedEventStream(source[Symbol.asyncIterator](), operation, args);
}

const executions = new WeakMap<object, Map<string, Result>>();

function executeOnce(event: unknown, operation: string, args: ExecutionArgs): Result {
  if (event === null || typeof event !== 'object') return execute({ ...args, rootValue: event });
  let byOperation = executions.get(event);
  if (!byOperation) executions.set(event, (byOperation = new Map()));
  let result = byOperation.get(operation);
  if (!result) {
    const executed = (result = execute({ ...args, rootValue: event }));
    byOperation.set(operation, executed);
    // Settled, the result itself: a subscriber that takes this event later (it was busy) needs no extra turn.
    if (executed instanceof Promise) whenSettled(executed, (r) => byOperation.set(operation, r), () => undefined);
  }
  return result;
}

type Waiter = [ok: (result: ExecutionResult) => void, fail: (err: unknown) => void];
const waiting = new WeakMap<Promise<ExecutionResult>, Waiter[]>();

/**
 * Like result.then(ok, fail), but every subscriber waiting on one shared result is
 * called from a single reaction, in the order they asked. (Results are promises
 * whenever a resolver takes arguments: type-graphql validates them asynchronously.)
 */
function whenSettled(result: Promise<ExecutionResult>, ok: Waiter[0], fail: Waiter[1]): void {
  let waiters = waiting.get(result);
  if (!waiters) {
    const list: Waiter[] = (waiters = []);
    waiting.set(result, list);
    // Indexed loops: a waiter may still join while earlier ones are called.
    result.then(
      (r) => {
        for (let i = 0; i < list.length; i++) settle(list[i][0], r, list[i][1]);
      },
      (err: unknown) => {
        for (let i = 0; i < list.length; i++) list[i][1](err);
      },
    );
  }
  waiters.push([ok, fail]);
}

function settle(ok: Waiter[0], result: ExecutionResult, fail: Waiter[1]): void {
  try {
    ok(result);
  } catch (err) {
    fail(err);
  }
}

/**
 * A subscription's results. Pulled like graphql's own mapAsyncIterator (return()
 * reaches the source at once, even while a next() is pending), or, when the source
 * is an event-bus subscription, pushed: see pushTo().
 */
export class SharedEventStream implements AsyncGenerator<ExecutionResult> {
  private readonly pushSource: BoundedSubscription<unknown> | undefined;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly operation: string,
    private readonly args: ExecutionArgs,
  ) {
    this.pushSource = source instanceof BoundedSubscription ? source : undefined;
  }

  /** Whether pushTo() is available. */
  get pushable(): boolean {
    return this.pushSource !== undefined;
  }

  /**
   * Push mode: each event is executed and handed to `deliver`, in order, as it is
   * published, with no promise per subscriber and event, while `ready()` says the
   * subscriber can take one; otherwise events wait in the subscription's bounded
   * buffer (the oldest dropped and counted) until resume(). A result still being
   * executed holds back later events the same way. `fail` gets what `deliver` threw.
   */
  pushTo(ready: () => boolean, deliver: (result: ExecutionResult) => void, fail: (err: unknown) => void): void {
    const source = this.pushSource;
    if (!source) throw new Error('This subscription can only be pulled');
    let executing = false;
    const delivered = (result: ExecutionResult) => {
      executing = false;
      deliver(result);
      source.resume();
    };
    // Runs inside the event bus's dispatch: nothing may throw from here.
    source.pushTo((event) => {
      if (executing || !ready()) return false;
      const result = executeOnce(event, this.operation, this.args);
      if (result instanceof Promise) {
        executing = true;
        whenSettled(result, delivered, fail);
      } else {
        settle(deliver, result, fail);
      }
      return true;
    });
  }

  /** Offers the events that waited while the subscriber was not ready. */
  resume(): void {
    this.pushSource?.resume();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const r = await this.source.next();
    return r.done ? { done: true, value: undefined } : { done: false, value: await executeOnce(r.value, this.operation, this.args) };
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  async throw(err: unknown): Promise<never> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}
