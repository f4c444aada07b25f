import { DropOldestBuffer } from './dropping-buffer';

/**
 * One subscriber's events, as an async iterator or pushed to a sink. push() never
 * blocks and costs no allocation beyond the iteration result: with a hundred
 * subscribers and a thousand events a second, per-push overhead is what decides latency.
 */
export class BoundedSubscription<T> implements AsyncIterableIterator<T> {
  private readonly buffer: DropOldestBuffer<T>;
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private sink: ((value: T) => boolean) | undefined;
  private resuming = false;
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
    if (this.sink) {
      // Behind buffered events, or refused by the sink: it waits its turn (or is dropped) in the buffer.
      if (!(this.buffer.empty && this.sink(value))) this.buffer.add(value);
      return;
    }
    const reader = this.waiting.shift();
    if (reader) reader({ value, done: false });
    else this.buffer.add(value);
  }

  /**
   * Push mode, for a consumer that takes events synchronously (a WebSocket fan-out):
   * each event goes to `sink` as it is published, without a promise per event. An
   * event the sink refuses (returns false: its client is backed up) stays in the
   * bounded buffer, ahead of later ones, until resume(). Not to be mixed with next().
   */
  pushTo(sink: (value: T) => boolean): void {
    this.sink = sink;
    this.resume();
  }

  /** Offers the buffered events to the sink again, oldest first, until it refuses one. */
  resume(): void {
    // Called again from inside the sink, it leaves the offering to the loop already running.
    if (this.resuming) return;
    this.resuming = true;
    try {
      while (this.sink && !this.closed && !this.buffer.empty) {
        if (!this.sink(this.buffer.peek())) return;
        // The sink may have ended the subscription (and emptied the buffer) while taking the event.
        if (!this.closed) this.buffer.remove();
      }
    } finally {
      this.resuming = false;
    }
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
      this.sink = undefined;
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
