import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { scopeChecker } from './auth-checker';
import { AnomalyResolver } from './resolvers/anomaly.resolver';
import { AnomalyStatsResolver } from './resolvers/anomaly-stats.resolver';
import { CaptureResolver } from './resolvers/capture.resolver';
import { DetectorResolver } from './resolvers/detector.resolver';
import { ModelResolver } from './resolvers/model.resolver';
import { PredictResolver } from './resolvers/predict.resolver';
import { ProfileResolver } from './resolvers/profile.resolver';
import { SiteResolver } from './resolvers/site.resolver';
import { SubscriptionResolver } from './resolvers/subscription.resolver';
import { TrainingResolver } from './resolvers/training.resolver';

export const SCHEMA_FILE = path.resolve(__dirname, '../../schema.graphql');

export const resolvers = [
  PredictResolver,
  AnomalyResolver,
  AnomalyStatsResolver,
  ProfileResolver,
  DetectorResolver,
  ModelResolver,
  SubscriptionResolver,
  TrainingResolver,
  CaptureResolver,
  SiteResolver,
] as const;

/**
 * type-graphql insists on a pubSub once there are subscriptions, but the schema is
 * shared by every server in a process while each server has its own event bus:
 * subscriptions use `@Subscription({ subscribe: ({ context }) => context.services.events… })`.
 */
const NO_GLOBAL_PUBSUB: PubSub = {
  publish() {
    throw new Error('Publish through context.services.events, not a schema-wide pubSub');
  },
  subscribe() {
    throw new Error('Subscribe through context.services.events in @Subscription({ subscribe }), not `topics`');
  },
};

/** `emit` writes the committed schema.graphql (npm run schema) so reviews can read the API. */
export function buildAppSchema(emit = false): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    emitSchemaFile: emit ? { path: SCHEMA_FILE, sortedSchema: false } : false,
    validate: false,
    pubSub: NO_GLOBAL_PUBSUB,
    authChecker: scopeChecker,
  });
}
