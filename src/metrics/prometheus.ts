import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SubscriptionStats } from '../events/pubsub';
import type { QueueCounts } from '../jobs/job-backend';

/** Where a batch of records came from. */
export type PredictionTransport = 'graphql' | 'rest' | 'capture' | 'import';

/** What detection reports, once per scored batch. */
export interface BatchObserver {
  observeBatch(profile: { site: string; name: string }, transport: PredictionTransport, predictions: readonly { isAnomaly: boolean }[], seconds: number): void;
}

/** Read on every scrape, so the figures are current and nothing polls in between. */
export interface MetricsSources {
  /** Throws when the queue cannot be read (Redis down): the queue gauges are then left out. */
  queueCounts(): Promise<QueueCounts>;
  subscriptions(): SubscriptionStats;
  /** The anomalies held in memory while PostgreSQL is unreachable, and those lost (buffer full). */
  anomalyBuffer(): { buffered: number; dropped: number };
  onCollectError(err: unknown): void;
}

const PREFIX = 'netsentinel_';
// Batches run from ~1 ms (one record) to seconds (10,000 records with explanations).
const BATCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;

/**
 * RSS, heap, event loop lag, GC: facts about the process, so one set per
 * process, started on the first scrape (CLI commands never pay for them).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The Prometheus metrics of one server instance. Each instance has its own
 * registry (not prom-client's global one), so two servers in one process, as
 * in the tests, count separately.
 */
export class Metrics implements BatchObserver {
  private readonly registry = new Registry();
  private exposed?: Registry;
  private readonly predictions: Counter<'site' | 'profile' | 'transport'>;
  private readonly anomalies: Counter<'site' | 'profile'>;
  private readonly batchSeconds: Histogram<'transport'>;
  private readonly httpSeconds: Histogram<'route' | 'status_class'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.predictions = new Counter({
      name: `${PREFIX}predictions_total`,
      help: 'Records scored, by profile and by the transport they came in on.',
      labelNames: ['site', 'profile', 'transport'],
      registers,
    });
    this.anomalies = new Counter({
      name: `${PREFIX}anomalies_total`,
      help: 'Records found anomalous, by profile.',
      labelNames: ['site', 'profile'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: `${PREFIX}predict_batch_duration_seconds`,
      help: 'Time to score and store one batch of records (validation excluded).',
      labelNames: ['transport'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.httpSeconds = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP request latency by route and status class (WebSocket traffic excluded).',
      labelNames: ['route', 'status_class'],
      buckets: HTTP_BUCKETS,
      registers,
    });

    // Both queue metrics are collected at once on a scrape: one read of the queue serves them.
    let reading: Promise<QueueCounts | undefined> | undefined;
    const readQueue = () =>
      (reading ??= sources
        .queueCounts()
        .catch((err: unknown) => {
          sources.onCollectError(err);
          return undefined;
        })
        .finally(() => {
          reading = undefined;
        }));
    new Gauge({
      name: `${PREFIX}training_queue_available`,
      help: '1 when the training queue could be read at this scrape, 0 when not (Redis down).',
      registers,
      async collect() {
        this.set((await readQueue()) ? 1 : 0);
      },
    });
    new Gauge({
      name: `${PREFIX}training_queue_jobs`,
      help: 'Training jobs in the queue by state: waiting, active, delayed (retry backoff or behind a running job).',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const counts = await readQueue();
        if (counts) for (const state of ['waiting', 'active', 'delayed'] as const) this.set({ state }, counts[state]);
      },
    });
    new Gauge({
      name: `${PREFIX}anomaly_buffer_size`,
      help: 'Anomalies held in memory because PostgreSQL is unreachable, written when it is back.',
      registers,
      collect() {
        this.set(sources.anomalyBuffer().buffered);
      },
    });
    const bufferDropped = new Counter({
      name: `${PREFIX}anomaly_buffer_dropped_total`,
      help: 'Anomalies lost: the buffer was full, the database refused them, or shutdown came first.',
      registers,
      collect() {
        bufferDropped.reset();
        bufferDropped.inc(sources.anomalyBuffer().dropped);
      },
    });
    new Gauge({
      name: `${PREFIX}subscriptions_active`,
      help: 'Event subscriptions open in this process (GraphQL subscriptions and internal watchers).',
      registers,
      collect() {
        this.set(sources.subscriptions().active);
      },
    });
    const dropped = new Counter({
      name: `${PREFIX}subscription_events_dropped_total`,
      help: 'Events a subscription dropped (its oldest) because its client could not keep up.',
      registers,
      collect() {
        // The event bus keeps the running total; a counter cannot be set, so start over each scrape.
        dropped.reset();
        dropped.inc(sources.subscriptions().dropped);
      },
    });
  }

  observeBatch(profile: { site: string; name: string }, transport: PredictionTransport, predictions: readonly { isAnomaly: boolean }[], seconds: number): void {
    let anomalies = 0;
    for (const p of predictions) if (p.isAnomaly) anomalies++;
    this.predictions.inc({ site: profile.site, profile: profile.name, transport }, predictions.length);
    if (anomalies > 0) this.anomalies.inc({ site: profile.site, profile: profile.name }, anomalies);
    this.batchSeconds.observe({ transport }, seconds);
  }

  observeRequest(route: string, status: number, seconds: number): void {
    this.httpSeconds.observe({ route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format: this instance's metrics and the process's. */
  text(): Promise<string> {
    this.exposed ??= Registry.merge([processMetrics(), this.registry]);
    return this.exposed.metrics();
  }
}
