import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { BoundedSubscription } from '../events/bounded-subscription';

/**
 * graphql's subscribe(), except that an event is executed once per distinct
 * operation (document, operation name, variables) instead of once per subscriber:
 * with a hundred dashboards open, one anomaly costs one execution, not a hundred.
 * Subscribers of the same operation get the very same SharedResult, so whoever
 * sends it serializes it once too.
 *
 * Sharing is keyed on the event object, which the event bus hands to every
 * listener of a server, and is sound here because no resolver of a subscription
 * result depends on who asked: access (site, scopes) is settled when subscribing,
 * and result resolvers read only the event and the server's services.
 */
export async function sharedSubscribe(args: ExecutionArgs): Promise<SharedEventStream | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const key = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${print(args.document)}`;
  let operation = operations.get(key);
  if (!operation) operations.set(key, (operation = new SharedOperation(key, args)));
  operation.users++;
  return new SharedEventStream(source[Symbol.asyncIterator](), operation);
}

/** The operations somebody subscribes to, by their text: looked up once per subscription, not per event. */
const operations = new Map<string, SharedOperation>();

class SharedOperation {
  users = 0;
  private readonly executions = new WeakMap<object, SharedResult>();

  constructor(
    readonly key: string,
    private readonly args: ExecutionArgs,
  ) {}

  /** The event's result, executed by whichever subscriber asks first. */
  resultOf(event: unknown): SharedResult {
    if (event === null || typeof event !== 'object') return new SharedResult(execute({ ...this.args, rootValue: event }));
    let shared = this.executions.get(event);
    if (!shared) this.executions.set(event, (shared = new SharedResult(execute({ ...this.args, rootValue: event }))));
    return shared;
  }

  release(): void {
    if (--this.users === 0) operations.delete(this.key);
  }
}

interface Waiter {
  settled(shared: SharedResult): void;
  failed(err: unknown): void;
}

/**
 * One event's result for one operation. It is a promise at first whenever a
 * resolver is asynchronous (type-graphql validates arguments asynchronously), and
 * every subscriber waiting on it is called from a single reaction, in the order
 * they asked.
 */
export class SharedResult {
  /** Undefined until execution has finished. */
  result: ExecutionResult | undefined;
  /** For the sender: the result serialized, once, by the first subscriber it is sent to. */
  serialized: Buffer | undefined;
  readonly settled: Promise<ExecutionResult> | undefined;
  private waiting: Waiter[] = [];

  constructor(result: ExecutionResult | Promise<ExecutionResult>) {
    if (!(result instanceof Promise)) {
      this.result = result;
      return;
    }
    this.settled = result;
    result.then(
      (r) => {
        this.result = r;
        const waiting = this.waiting;
        this.waiting = [];
        for (const w of waiting) w.settled(this);
      },
      (err: unknown) => this.waiting.forEach((w) => w.failed(err)),
    );
  }

  wait(waiter: Waiter): void {
    this.waiting.push(waiter);
  }
}

/**
 * A subscription's results. Pulled like graphql's own mapAsyncIterator (return()
 * reaches the source at once, even while a next() is pending), or, when the source
 * is an event-bus subscription, pushed: see pushTo().
 */
export class SharedEventStream implements AsyncGenerator<ExecutionResult>, Waiter {
  private readonly pushSource: BoundedSubscription<unknown> | undefined;
  private deliver: ((shared: SharedResult) => void) | undefined;
  private fail: ((err: unknown) => void) | undefined;
  /** A result still executing holds back later events, so they arrive in order. */
  private executing = false;
  private released = false;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly operation: SharedOperation,
  ) {
    this.pushSource = source instanceof BoundedSubscription ? source : undefined;
  }

  /** Whether pushTo() is available. */
  get pushable(): boolean {
    return this.pushSource !== undefined;
  }

  /**
   * Push mode: each event's result goes to `deliver`, in order, as the event is
   * published, with no promise per subscriber and event, while `ready()` says the
   * subscriber can take one; otherwise events wait in the subscription's bounded
   * buffer (the oldest dropped and counted) until resume(). `fail` gets what
   * `deliver` threw, or a failed execution.
   */
  pushTo(ready: () => boolean, deliver: (shared: SharedResult) => void, fail: (err: unknown) => void): void {
    const source = this.pushSource;
    if (!source) throw new Error('This subscription can only be pulled');
    this.deliver = deliver;
    this.fail = fail;
    // Runs inside the event bus's dispatch: nothing may throw from here.
    source.pushTo((event) => {
      if (this.executing || !ready()) return false;
      let shared: SharedResult;
      try {
        shared = this.operation.resultOf(event);
      } catch (err) {
        fail(err);
        return true;
      }
      if (shared.result) {
        this.send(shared);
      } else {
        this.executing = true;
        shared.wait(this);
      }
      return true;
    });
  }

  /** Offers the events that waited while the subscriber was not ready. */
  resume(): void {
    this.pushSource?.resume();
  }

  settled(shared: SharedResult): void {
    this.executing = false;
    if (this.send(shared)) this.resume();
  }

  failed(err: unknown): void {
    this.fail?.(err);
  }

  private send(shared: SharedResult): boolean {
    try {
      this.deliver!(shared);
      return true;
    } catch (err) {
      this.fail!(err);
      return false;
    }
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const r = await this.source.next();
    if (r.done) {
      this.release();
      return { done: true, value: undefined };
    }
    const shared = this.operation.resultOf(r.value);
    return { done: false, value: shared.result ?? (await shared.settled!) };
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.release();
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.operation.release();
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
