import { definePlugin } from '../define-plugin';
import { HBOS, HBOS_STATE_VERSION, HbosDetector, hbosParams, hbosStateSchema } from './hbos.detector';

export const hbos = definePlugin({
  name: HBOS,
  summary:
    'Histogram-based outlier score (Goldstein & Dengel 2012): the sum over columns of how rare the row\'s value was in training. Fast, and explains every score column by column.',
  stateVersion: HBOS_STATE_VERSION,
  capabilities: { online: false, explains: true },
  paramsSchema: hbosParams,
  stateSchema: hbosStateSchema,
  create: (params) => new HbosDetector(params),
  restore: (params, state) => HbosDetector.restore(params, state),
});
