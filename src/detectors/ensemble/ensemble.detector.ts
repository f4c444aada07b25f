import { z } from 'zod';
import type { Detector, FitOptions, Json, SerializedDetector } from '../detector.types';
import { assertColumns, assertTrainingData, notFitted } from '../input-checks';
import type { Matrix } from '../matrix';
import { invalidState } from '../state';
import type { EnsembleParams, ResolvedMember } from './ensemble.params';
import { fitTailScale, tailSurprise, TAIL_PROBABILITIES, type TailScale } from './tail-scale';

export const ENSEMBLE = 'ensemble';
export const ENSEMBLE_STATE_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be finite');

export const ensembleStateSchema = z.object({
  cols: z.number().int().min(1),
  members: z.array(z.object({ detector: z.string(), stateVersion: z.number().int(), params: z.json(), state: z.json() })).min(1),
  scales: z.array(z.object({ center: finite, spread: finite.refine((s) => s > 0, 'must be > 0') })).min(1),
  /** Per member, for the tail-* combinations (absent in models saved before them). */
  tails: z.array(z.object({ knots: z.array(finite), slope: finite.refine((s) => s > 0, 'must be > 0') })).optional(),
});

export type EnsembleState = z.infer<typeof ensembleStateSchema>;

/** How one member's raw scores map onto the common scale: 0 at the training median, 1 at the 99th percentile. */
interface Scale {
  center: number;
  spread: number;
}

interface Fitted {
  cols: number;
  detectors: Detector[];
  scales: Scale[];
  tails?: TailScale[];
}

/**
 * Combines member detectors on normalized scores. Each member's scale comes
 * from its own training scores and is saved with it, so a saved ensemble scores
 * exactly as it did when trained.
 */
export class EnsembleDetector implements Detector {
  readonly name = ENSEMBLE;

  constructor(
    private readonly params: EnsembleParams,
    private readonly members: readonly ResolvedMember[],
    private fitted?: Fitted,
  ) {}

  fit(X: Matrix, { seed }: FitOptions): void {
    assertTrainingData(this.name, X, 2);
    const detectors = this.members.map((m, i) => {
      const detector = m.plugin.create(m.params);
      // Distinct seeds: two members of one kind must not grow the same model.
      detector.fit(X, { seed: (seed + 7919 * i) >>> 0 });
      return detector;
    });
    const training = detectors.map((d) => d.score(X));
    this.fitted = {
      cols: X.cols,
      detectors,
      scales: training.map(scaleOf),
      tails: usesTails(this.params) ? training.map(fitTailScale) : undefined,
    };
  }

  score(X: Matrix): Float64Array {
    const f = this.model();
    assertColumns(this.name, X, f.cols);
    const out = new Float64Array(X.rows);
    const mean = averages(this.params);
    f.detectors.forEach((d, i) => {
      const raw = d.score(X);
      const normalized = f.tails === undefined ? spreadNormalized(raw, f.scales[i]) : raw.map((v) => tailSurprise(f.tails![i], v));
      for (let r = 0; r < X.rows; r++) {
        const v = normalized[r];
        if (mean) out[r] += v / f.detectors.length;
        else if (i === 0 || v > out[r]) out[r] = v;
      }
    });
    return out;
  }

  /** The explaining members' contributions, each on its member's normalized scale. */
  explain(row: Float64Array): Float64Array {
    const f = this.model();
    assertColumns(this.name, { rows: 1, cols: row.length, data: row }, f.cols);
    const out = new Float64Array(f.cols);
    f.detectors.forEach((d, i) => {
      const contributions = d.explain?.(row);
      if (contributions === undefined) return;
      const weight = 1 / f.scales[i].spread / (averages(this.params) ? f.detectors.length : 1);
      for (let c = 0; c < f.cols; c++) out[c] += contributions[c] * weight;
    });
    return out;
  }

  serialize(): SerializedDetector {
    const f = this.model();
    return {
      detector: this.name,
      stateVersion: ENSEMBLE_STATE_VERSION,
      params: { ...this.params },
      state: {
        cols: f.cols,
        members: f.detectors.map((d) => d.serialize() as unknown as Json),
        scales: f.scales.map((s) => ({ ...s })),
        ...(f.tails && { tails: f.tails.map((t) => ({ knots: [...t.knots], slope: t.slope })) }),
      },
    };
  }

  static restore(params: EnsembleParams, members: readonly ResolvedMember[], state: EnsembleState): EnsembleDetector {
    if (state.members.length !== members.length || state.scales.length !== members.length) {
      throw invalidState(ENSEMBLE, 'the saved members do not match the members param');
    }
    if (usesTails(params) !== (state.tails !== undefined)) throw invalidState(ENSEMBLE, 'the saved tail scales do not match the combine param');
    if (state.tails !== undefined && (state.tails.length !== members.length || state.tails.some((t) => !tailKnotsValid(t.knots)))) {
      throw invalidState(ENSEMBLE, 'the saved tail scales do not match the members');
    }
    const detectors = members.map((m, i) => {
      const saved = state.members[i];
      if (saved.detector !== m.plugin.describe().name || JSON.stringify(saved.params) !== JSON.stringify(m.params)) {
        throw invalidState(ENSEMBLE, `member ${i} is not ${m.plugin.describe().name} with the params the members param gives`);
      }
      return m.plugin.load(saved);
    });
    return new EnsembleDetector(params, members, { cols: state.cols, detectors, scales: state.scales, tails: state.tails });
  }

  private model(): Fitted {
    if (this.fitted === undefined) throw notFitted(this.name);
    return this.fitted;
  }
}

/** Whether members' scores are averaged (mean, tail-sum) rather than maxed. */
function averages(params: EnsembleParams): boolean {
  return params.combine === 'mean' || params.combine === 'tail-sum';
}

function usesTails(params: EnsembleParams): boolean {
  return params.combine === 'tail-sum' || params.combine === 'tail-max';
}

function tailKnotsValid(knots: number[]): boolean {
  return knots.length === TAIL_PROBABILITIES.length && knots.every((v, i) => i === 0 || v >= knots[i - 1]);
}

function spreadNormalized(raw: Float64Array, { center, spread }: Scale): Float64Array {
  return raw.map((v) => (v - center) / spread);
}

function scaleOf(scores: Float64Array): Scale {
  const sorted = Float64Array.from(scores).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
  const center = at(0.5);
  // A member that scores most training rows alike (ties up to its 99th percentile) still needs a positive unit.
  const spread = [at(0.99) - center, sorted[sorted.length - 1] - center].find((s) => s > 0) ?? 1;
  return { center, spread };
}
