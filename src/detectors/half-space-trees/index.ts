import { definePlugin } from '../define-plugin';
import {
  HALF_SPACE_TREES,
  HALF_SPACE_TREES_STATE_VERSION,
  HalfSpaceTreesDetector,
  halfSpaceTreesParams,
  halfSpaceTreesStateSchema,
} from './half-space-trees.detector';

export const halfSpaceTrees = definePlugin({
  name: HALF_SPACE_TREES,
  summary:
    'Half-space trees (Tan, Ting & Liu 2011): fixed random trees that count how many reference rows fall in each region; partialFit() updates the counts online, window by window.',
  stateVersion: HALF_SPACE_TREES_STATE_VERSION,
  capabilities: { online: true, explains: false },
  paramsSchema: halfSpaceTreesParams,
  stateSchema: halfSpaceTreesStateSchema,
  create: (params) => new HalfSpaceTreesDetector(params),
  restore: (params, state) => HalfSpaceTreesDetector.restore(params, state),
});
