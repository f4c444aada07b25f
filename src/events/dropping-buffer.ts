/**
 * A fixed ring of events for one subscriber. When it is full the oldest event
 * goes and `onDrop` counts it: a live feed shows what is happening now, and the
 * publisher never waits for a slow reader.
 */
export class DropOldestBuffer<T> {
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

  /** The oldest event, left in place. */
  peek(): T {
    if (this.size === 0) throw new Error('Buffer empty');
    return this.ring[this.head] as T;
  }

  remove(): T {
    if (this.size === 0) throw new Error('Buffer empty');
    const value = this.ring[this.head] as T;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    return value;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.size = 0;
  }
}
