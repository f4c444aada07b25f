import { DropOldestBuffer } from './dropping-buffer';

/**
 * One subscriber's events as an async iterator. push() never blocks and costs
 * no allocation beyond the iteration result: with a hundred subscribers and a
 * thousand events a second, per-push overhead is what decides latency.
 */
export class BoundedSubscription<T> implements AsyncIterableIterator<T> {
  private readonly buffer: DropOldestBuffer<T>;
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private closed = false;

  constructor(
    capacity: number,
    onDrop: () => void,
    private readonly onClose: () => void,
  ) {
    this.buffer = new DropOldestBuffer<T>(capacity, onDrop);
  }

  push(value: T): void {
    if (this.closed) return;
    const reader = this.waiting.shift();
    if (reader) reader({ value, done: false });
    else this.buffer.add(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (!this.buffer.empty) return Promise.resolve({ value: this.buffer.remove(), done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Ends the subscription at once, even while a next() is waiting for an event. */
  return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.buffer.clear();
      this.onClose();
      for (const reader of this.waiting.splice(0)) reader({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
