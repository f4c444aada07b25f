import type { RepeaterBuffer } from '@graphql-yoga/subscription';

/**
 * A repeater buffer that never makes the publisher wait or throw: when a slow
 * subscriber's buffer is full the oldest event goes, and `onDrop` counts it.
 * Dropping the oldest keeps a live feed showing what is happening now.
 */
export class DropOldestBuffer<T> implements RepeaterBuffer<T> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(
    capacity: number,
    private readonly onDrop: () => void,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError('capacity must be a whole number ≥ 1');
    this.ring = new Array<T | undefined>(capacity);
  }

  get empty(): boolean {
    return this.size === 0;
  }

  /** Never full: the repeater then always calls add() instead of queueing pushes behind it. */
  get full(): boolean {
    return false;
  }

  add(value: T): void {
    const capacity = this.ring.length;
    if (this.size === capacity) {
      this.head = (this.head + 1) % capacity;
      this.size--;
      this.onDrop();
    }
    this.ring[(this.head + this.size) % capacity] = value;
    this.size++;
  }

  remove(): T {
    if (this.size === 0) throw new Error('Buffer empty');
    const value = this.ring[this.head] as T;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    return value;
  }
}
