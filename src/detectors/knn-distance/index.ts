import { definePlugin } from '../define-plugin';
import {
  KNN_DISTANCE,
  KNN_DISTANCE_STATE_VERSION,
  KnnDistanceDetector,
  knnDistanceParams,
  knnStateSchema,
} from './knn-distance.detector';

export const knnDistance = definePlugin({
  name: KNN_DISTANCE,
  summary:
    'k-nearest-neighbour distance: Euclidean distance from a row to its k nearest rows of a training sample. Expects scaled features.',
  stateVersion: KNN_DISTANCE_STATE_VERSION,
  capabilities: { online: false, explains: false },
  paramsSchema: knnDistanceParams,
  stateSchema: knnStateSchema,
  create: (params) => new KnnDistanceDetector(params),
  restore: (params, state) => KnnDistanceDetector.restore(params, state),
});
