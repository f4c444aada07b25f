import { definePlugin } from '../define-plugin';
import {
  EMPIRICAL_TAILS,
  EMPIRICAL_TAILS_STATE_VERSION,
  EmpiricalTailsDetector,
  empiricalTailsParams,
  empiricalTailsStateSchema,
} from './empirical-tails.detector';

export const empiricalTails = definePlugin({
  name: EMPIRICAL_TAILS,
  summary:
    'Per-column empirical tails (after ECOD, Li et al. 2022): how few training rows were as extreme as the value, extrapolated beyond the training range; the most surprising column decides. Compact, and explains every score column by column.',
  stateVersion: EMPIRICAL_TAILS_STATE_VERSION,
  capabilities: { online: false, explains: true },
  paramsSchema: empiricalTailsParams,
  stateSchema: empiricalTailsStateSchema,
  create: (params) => new EmpiricalTailsDetector(params),
  restore: (params, state) => EmpiricalTailsDetector.restore(params, state),
});
