import { Arg, Ctx, Float, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { AnomalyEvent, ModelActivatedEvent } from '../../events/events';
import { requireScope } from '../../auth/auth.service';
import { siteProfile, type GraphQLContext } from '../context';
import { toModelType } from '../mappers';
import { AnomalyType } from '../types/anomaly.type';
import type { DetectorScoreType } from '../types/detector-score.type';
import type { FeatureExplanationType } from '../types/explanation.type';
import { ModelType } from '../types/model.type';

interface AnomalyArgs {
  profile?: string | null;
  minScore?: number | null;
}

interface ModelArgs {
  profile?: string | null;
}

type Subscribe<A> = SubscribeResolverData<unknown, A, GraphQLContext>;

/**
 * Live events, each from the process-wide event bus of the server that holds the
 * WebSocket (the schema itself is shared by every server in a process). An
 * unknown profile fails the subscription at once instead of staying silent.
 */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => AnomalyType, {
    description: "The site's anomalies as they are stored, optionally for one profile and at or above a score.",
    subscribe: async ({ args, context }: Subscribe<AnomalyArgs>) => {
      const { profile, minScore } = args;
      const site = context.auth.siteName;
      requireScope(context.auth, 'read');
      if (profile != null) await context.services.profiles.get(siteProfile(context, profile));
      return context.services.events.subscribeWhere(
        'ANOMALY_DETECTED',
        (e) => e.site === site && (profile == null || e.profile === profile) && (minScore == null || e.score >= minScore),
      );
    },
  })
  anomalyDetected(
    @Root() event: AnomalyEvent,
    @Arg('profile', () => String, { nullable: true }) _profile?: string,
    @Arg('minScore', () => Float, { nullable: true }) _minScore?: number,
  ): AnomalyType {
    return {
      id: event.id,
      profile: event.profile,
      time: new Date(event.time),
      score: event.score,
      srcIp: event.srcIp,
      destIp: event.destIp,
      srcPort: event.srcPort,
      destPort: event.destPort,
      protocol: event.protocol,
      record: event.record as Record<string, unknown>,
      detectors: event.detectors as unknown as DetectorScoreType[],
      modelIds: event.modelIds,
      explanation: event.explanation as unknown as FeatureExplanationType[],
    };
  }

  @Subscription(() => ModelType, {
    description: 'A model version that became active (after training, or activated to roll back or forward).',
    subscribe: async ({ args, context }: Subscribe<ModelArgs>) => {
      const { profile } = args;
      const site = context.auth.siteName;
      requireScope(context.auth, 'read');
      if (profile != null) await context.services.profiles.get(siteProfile(context, profile));
      return context.services.events.subscribeWhere('MODEL_ACTIVATED', (e) => e.site === site && (profile == null || e.profile === profile));
    },
  })
  /** The event names the model; it is read back so subscribers get every field as `models` shows it. */
  async modelActivated(
    @Root() event: ModelActivatedEvent,
    @Ctx() { services }: GraphQLContext,
    @Arg('profile', () => String, { nullable: true }) _profile?: string,
  ): Promise<ModelType> {
    return toModelType(await services.models.byId(event.modelId), event.profile);
  }
}
