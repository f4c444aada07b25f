import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AnomalyResolver } from './resolvers/anomaly.resolver';
import { DetectorResolver } from './resolvers/detector.resolver';
import { ModelResolver } from './resolvers/model.resolver';
import { PredictResolver } from './resolvers/predict.resolver';
import { ProfileResolver } from './resolvers/profile.resolver';

export const SCHEMA_FILE = path.resolve(__dirname, '../../schema.graphql');

export const resolvers = [PredictResolver, AnomalyResolver, ProfileResolver, DetectorResolver, ModelResolver] as const;

/** `emit` writes the committed schema.graphql (npm run schema) so reviews can read the API. */
export function buildAppSchema(emit = false): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    emitSchemaFile: emit ? { path: SCHEMA_FILE, sortedSchema: false } : false,
    validate: false,
  });
}
