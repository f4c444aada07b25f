import { z } from 'zod';
import { createRng } from '../../util/random';
import type { Detector, FitOptions, SerializedDetector } from '../detector.types';
import { assertColumns, assertTrainingData, invalidTrainingData, notFitted } from '../input-checks';
import type { Matrix } from '../matrix';
import { invalidState } from '../state';
import { Forest, MAX_COLUMNS } from './forest';
import { forestFromState, forestToState, type ForestState } from './forest-state';
import { growForest } from './grow-forest';

export const ISOLATION_FOREST = 'isolation-forest';
export const ISOLATION_FOREST_STATE_VERSION = 1;

// The caps keep every node index within the forest's packed walk code (MAX_NODES).
export const isolationForestParams = z.strictObject({
  nEstimators: z.number().int().min(1).max(1000).default(100).describe('Number of trees.'),
  maxSamples: z
    .number()
    .int()
    .min(2)
    .max(1024)
    .default(256)
    .describe('Rows subsampled for each tree; fewer rows if the training set is smaller.'),
});

export type IsolationForestParams = z.infer<typeof isolationForestParams>;

export class IsolationForestDetector implements Detector {
  readonly name = ISOLATION_FOREST;

  constructor(
    private readonly params: IsolationForestParams,
    private forest?: Forest,
  ) {}

  fit(X: Matrix, { seed }: FitOptions): void {
    assertTrainingData(this.name, X, 2);
    if (X.cols > MAX_COLUMNS) {
      throw invalidTrainingData(this.name, `takes at most ${MAX_COLUMNS} columns`, { cols: X.cols });
    }
    this.forest = growForest(X, this.params.nEstimators, this.params.maxSamples, createRng(seed));
  }

  score(X: Matrix): Float64Array {
    const forest = this.fitted();
    assertColumns(this.name, X, forest.cols);
    return forest.score(X);
  }

  serialize(): SerializedDetector {
    return {
      detector: this.name,
      stateVersion: ISOLATION_FOREST_STATE_VERSION,
      params: { ...this.params },
      state: forestToState(this.fitted()),
    };
  }

  static restore(params: IsolationForestParams, state: ForestState): IsolationForestDetector {
    const forest = forestFromState(state);
    if (typeof forest === 'string') throw invalidState(ISOLATION_FOREST, forest);
    if (forest.trees !== params.nEstimators || forest.sampleSize > params.maxSamples) {
      throw invalidState(ISOLATION_FOREST, 'the forest does not match its params');
    }
    return new IsolationForestDetector(params, forest);
  }

  private fitted(): Forest {
    if (this.forest === undefined) throw notFitted(this.name);
    return this.forest;
  }
}
