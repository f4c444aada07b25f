import type { Rng } from '../util/random';

/**
 * Uniform fixed-size sample of a stream (Vitter's algorithm R): training fits on
 * a bounded sample so memory stays flat however many records a profile stored.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;

  constructor(
    private readonly capacity: number,
    private readonly rng: Rng,
  ) {}

  add(item: T): void {
    this.seen++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    const j = this.rng.int(this.seen);
    if (j < this.capacity) this.items[j] = item;
  }

  get count(): number {
    return this.seen;
  }
}
