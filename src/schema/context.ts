import type { Services } from '../app/services';

export interface GraphQLContext {
  services: Services;
}
