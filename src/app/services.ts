import type { Logger } from 'pino';
import { AnomalyRepository } from '../anomalies/anomaly.repository';
import { AnomalyWriter } from '../anomalies/anomaly.writer';
import { AuthService } from '../auth/auth.service';
import { CaptureManager } from '../capture/capture.manager';
import type { Config } from '../config/config';
import { connectDatabase, type Database } from '../db/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres';
import { applyMigrations } from '../db/migrator';
import { DetectionService } from '../detection/detection.service';
import { ModelCache } from '../detection/model-cache';
import { createDefaultRegistry } from '../detectors/builtin';
import type { DetectorRegistry } from '../detectors/registry';
import { createEventBus, type EventBus } from '../events/pubsub';
import { TrainingService } from '../jobs/training.service';
import { Metrics } from '../metrics/prometheus';
import { ModelRepository } from '../models/model.repository';
import { ProfileService } from '../profiles/profile.service';
import { TrafficRepository } from '../traffic/traffic.repository';

/** Everything a request handler, job or CLI command needs, built once per process. */
export interface Services {
  config: Config;
  logger: Logger;
  db: Database;
  registry: DetectorRegistry;
  events: EventBus;
  profiles: ProfileService;
  models: ModelRepository;
  anomalies: AnomalyRepository;
  /** Stores detected anomalies; holds them in memory while the database is down (`stats()`: buffered, dropped). */
  anomalyWriter: AnomalyWriter;
  traffic: TrafficRepository;
  cache: ModelCache;
  detection: DetectionService;
  training: TrainingService;
  /** Live captures of this process (tcpdump → detection). */
  captures: CaptureManager;
  /** This server's Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  /** API keys: who is calling, for which site. */
  auth: AuthService;
  /** The database the services use (the embedded one's socket URL when DATABASE_URL is unset). */
  databaseUrl: string;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL, and applies migrations. */
export async function createServices(config: Config, logger: Logger): Promise<Services> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir);
    url = embedded.url;
    logger.info({ dataDir: config.dataDir }, 'database: embedded PostgreSQL (PGlite); set DATABASE_URL to use a server');
  } else {
    logger.info({ url: redact(url) }, 'database: PostgreSQL server from DATABASE_URL');
  }
  const db = connectDatabase(url);
  const applied = await applyMigrations(db.pool, db.schema);
  if (applied.length > 0) logger.info({ applied }, 'database migrations applied');

  const registry = createDefaultRegistry();
  const events = createEventBus(config.redisUrl, config.events);
  const profiles = new ProfileService(db.prisma, registry, { minRetrainSeconds: config.training.minRetrainSeconds });
  const models = new ModelRepository(db.prisma);
  const anomalies = new AnomalyRepository(db.prisma, db.pool);
  const traffic = new TrafficRepository(db.pool);
  const cache = new ModelCache(profiles, models, registry);
  const anomalyWriter = new AnomalyWriter(anomalies, config.anomalyBuffer, logger);
  // The sources are read on scrape only, by then `training` below exists.
  const metrics = new Metrics({
    queueCounts: () => training.backend.counts(),
    subscriptions: () => events.stats(),
    anomalyBuffer: () => anomalyWriter.stats(),
    onCollectError: (err) => logger.debug({ err }, 'metrics: training queue unreadable'),
  });
  const detection = new DetectionService({
    cache,
    anomalies: anomalyWriter,
    traffic,
    events,
    logger,
    maxBatchRecords: config.maxBatchRecords,
    writeTimeoutMs: config.anomalyBuffer.writeTimeoutMs,
    metrics,
  });
  const stopWatching = watchModelChanges(events, cache);
  const auth = new AuthService(db.prisma, events, config.auth.enabled);
  auth.watchRevocations();
  const captures = new CaptureManager({ detection, profiles, logger });
  const training = new TrainingService({ config, logger, prisma: db.prisma, databaseUrl: url, registry, events, profiles, models, cache });

  return {
    config,
    logger,
    db,
    registry,
    events,
    profiles,
    models,
    anomalies,
    anomalyWriter,
    traffic,
    cache,
    detection,
    training,
    captures,
    metrics,
    auth,
    databaseUrl: url,
    async close() {
      // First: a stopping capture still scores (and stores) what it captured.
      await captures.close();
      // Then what detection holds for a database that was down, before the pool closes.
      await anomalyWriter.close(config.shutdownTimeoutMs);
      await training.close();
      await stopWatching();
      await auth.close();
      await events.close();
      await db.close();
      await embedded?.stop();
    },
  };
}

/** Other server instances announce model and profile changes; drop what they made stale. */
function watchModelChanges(events: EventBus, cache: ModelCache): () => Promise<unknown> {
  const changes = events.subscribe('MODELS_CHANGED');
  void (async () => {
    for await (const change of changes) cache.invalidate({ site: change.site, name: change.profile });
  })();
  return () => changes.return();
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
