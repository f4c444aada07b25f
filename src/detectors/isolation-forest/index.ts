import { definePlugin } from '../define-plugin';
import { forestStateSchema } from './forest-state';
import {
  ISOLATION_FOREST,
  ISOLATION_FOREST_STATE_VERSION,
  IsolationForestDetector,
  isolationForestParams,
} from './isolation-forest.detector';

export const isolationForest = definePlugin({
  name: ISOLATION_FOREST,
  summary:
    'Isolation forest (Liu et al. 2008): rows that random splits isolate in few steps score near 1; ordinary rows score about 0.5 or less.',
  stateVersion: ISOLATION_FOREST_STATE_VERSION,
  capabilities: { online: false, explains: false },
  paramsSchema: isolationForestParams,
  stateSchema: forestStateSchema,
  create: (params) => new IsolationForestDetector(params),
  restore: (params, state) => IsolationForestDetector.restore(params, state),
});
