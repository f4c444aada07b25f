import type { Column } from '../records/record-columns';
import { CategoricalAccumulator, CategoryCounter, type CategoryOptions } from './categorical.encoder';
import type { CategoricalFeatureSpec, NumericFeatureSpec } from './feature-spec.types';
import { NumericAccumulator } from './numeric.scaler';

/**
 * A column counts as numeric when at least this share of its values are
 * numbers; the odd "?" or "-" placeholder in a numeric CSV column is then
 * treated as missing instead of turning the whole column categorical.
 */
const NUMERIC_SHARE = 0.9;

/**
 * One `attributes` column. Its type is only known once all training data
 * has been seen, so it is fitted both ways and decided in build().
 */
export class AttributeAccumulator {
  private readonly numeric: NumericAccumulator;
  private readonly categorical: CategoricalAccumulator | null;
  /** Numbers are counted by value and only turned into category strings if the column ends up categorical. */
  private readonly numbers: CategoryCounter<number> | null;
  private present = 0;

  constructor(
    readonly name: string,
    reservoirSize: number,
    seed: number,
    /** null when the profile kind only uses numeric attributes. */
    categoryOptions: CategoryOptions | null,
  ) {
    this.numeric = new NumericAccumulator({ from: 'attribute', name }, reservoirSize, seed);
    this.categorical = categoryOptions && new CategoricalAccumulator({ from: 'attribute', name }, categoryOptions);
    this.numbers = categoryOptions && new CategoryCounter<number>(categoryOptions.maxTracked);
  }

  addValue(v: unknown): void {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return;
      this.present++;
      this.numeric.addValue(v);
      this.numbers?.add(v);
    } else if (typeof v === 'string' && v !== '') {
      this.present++;
      this.categorical?.addValue(v);
    }
  }

  /** The column's values in row order: the same as addValue() for each row's value. */
  addColumn(c: Column, rows: number): void {
    const { numbers, codes, dict } = c;
    for (let i = 0; i < rows; i++) {
      if (codes !== null && codes[i] !== 0) this.addValue(dict[codes[i] - 1]);
      else if (numbers !== null && !Number.isNaN(numbers[i])) this.addValue(numbers[i]);
    }
  }

  build(totalRows: number): NumericFeatureSpec | CategoricalFeatureSpec | null {
    if (this.present === 0) return null;
    if (this.numeric.count >= NUMERIC_SHARE * this.present) return this.numeric.build(totalRows);
    if (this.categorical === null || this.numbers === null) return null;
    const counts = new Map<string, number>();
    for (const [v, c] of this.numbers.counts) counts.set(String(v), c);
    return this.categorical.build(totalRows, { counts, total: this.numeric.count });
  }
}
