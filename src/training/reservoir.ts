import { RecordColumns } from '../records/record-columns';
import type { Rng } from '../util/random';

/**
 * Uniform fixed-size sample of a stream of rows (Vitter's algorithm R):
 * training fits on a bounded sample so memory stays flat however many records
 * a profile stored. The sample is itself a column batch, a few typed arrays,
 * not an object per row.
 */
export class RowReservoir {
  readonly sample: RecordColumns;
  private seen = 0;

  constructor(
    private readonly capacity: number,
    private readonly rng: Rng,
  ) {
    this.sample = new RecordColumns(Math.min(capacity, 4096));
  }

  add(batch: RecordColumns): void {
    for (let i = 0; i < batch.rows; i++) {
      this.seen++;
      if (this.sample.rows < this.capacity) {
        this.sample.copyRow(batch, i);
        continue;
      }
      const j = this.rng.int(this.seen);
      if (j < this.capacity) this.sample.copyRow(batch, i, j);
    }
  }

  get count(): number {
    return this.seen;
  }
}
