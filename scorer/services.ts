import { OrgAccess } from './access/org-access';
import { loadOrgAccessFile } from './access/org-access-file';
import { JwksCache } from './auth/jwks';
import { createTokenChecker } from './auth/tokens';
import { BacktestService } from './backtest/backtests';
import { ModelChangeFeed } from './cluster/model-changes';
import { connectRedis, type RedisConnection } from './cluster/redis';
import type { Config } from './config';
import { DetectorQueue } from './continuous/detector-queue';
import { loadProvisionedDetectors, type ProvisionedDetector } from './continuous/provisioning';
import { DetectorService } from './continuous/service';
import type { AppDeps } from './deps';
import { InfluxClient, type InfluxClientOptions } from './influx';
import type { Logger } from './log';
import { createMetrics } from './metrics';
import { EnginePool } from './scoring/engine-pool';
import { FitCache } from './scoring/fit-cache';
import { ModelCache } from './scoring/model-cache';
import { ReadCache } from './scoring/read-cache';
import { createScoringService } from './scoring/score-service';
import { MaintenanceService, type ProvisionedWindow } from './steering/maintenance';
import { MarkService } from './steering/marks';
import { loadProvisionedWindows } from './steering/provisioning';
import { type Steering, steeringFor } from './steering/steering';
import { type ModelCaches, openStateStore, type StateStore, type StateStoreOptions } from './store';
import { openRedisStateStore } from './store/redis-store';
import { Trainer } from './training/trainer';
import { TrainingQueue } from './training/training-queue';

/** Builds every service from the configuration (opening the store, reading the detectors file). */
export async function createServices(
  config: Config,
  logger: Logger,
  /** `now`: the continuous detectors' clock (tests pin it so a run never straddles a minute). */
  overrides: {
    provisioned?: ProvisionedDetector[];
    provisionedWindows?: ProvisionedWindow[];
    now?: () => number;
  } = {},
): Promise<AppDeps> {
  const metrics = createMetrics();
  const clientOptions = influxClientOptions(config);
  const influx = new InfluxClient({ ...clientOptions, auth: config.influx.auth });
  const access = new OrgAccess(
    influx,
    clientOptions,
    config.orgAccessFile ? await loadOrgAccessFile(config.orgAccessFile) : null,
  );
  const { store, watchModels, redis } = await openStore(config, logger);
  if (store.recoveredTempFiles > 0) {
    logger.warn('removed files left by an interrupted write', { count: store.recoveredTempFiles });
  }
  const limits = { maxPoints: config.limits.maxPoints, maxSeries: config.limits.maxSeries };
  const enginePool = new EnginePool({
    size: config.scoreWorkers,
    logger,
    onCall: (kind, thread) => metrics.engineCalls.inc({ kind, thread }),
    // A worker holds as many models as the replica keeps decoded, so a run sends each one once.
    keep: config.store.modelCacheSize,
    onSend: (what) => metrics.engineModelsSent.inc({ what }),
    onLoad: (detector) => metrics.engineMembersLoaded.inc({ detector }),
  });
  const trainingQueue =
    redis && config.cluster
      ? new TrainingQueue(redis, {
          cap: config.limits.maxConcurrentTrainings,
          replicaId: config.cluster.replicaId,
          logger,
        })
      : null;
  if (config.cluster) metrics.clusterReplica.set({ replica: config.cluster.replicaId }, 1);
  if (trainingQueue) {
    metrics.onCollect(async () => {
      const counts = await trainingQueue.counts().catch(() => null); // Redis down: keep the last
      if (!counts) return;
      metrics.trainingQueueJobs.set({ state: 'waiting' }, counts.waiting);
      metrics.trainingQueueJobs.set({ state: 'active' }, counts.active);
    });
  }
  const trainer = new Trainer({
    store,
    access,
    logger,
    metrics,
    engine: enginePool.engine,
    maxConcurrent: config.limits.maxConcurrentTrainings,
    ...(trainingQueue ? { queue: trainingQueue } : {}),
    ...limits,
  });
  const modelCache = new ModelCache(store.models, config.store.modelCacheSize);
  const fitCache = new FitCache();
  watchModels([modelCache, fitCache]);
  const scoring = createScoringService({
    access,
    models: store.models,
    modelCache,
    fitCache,
    limits,
    readParts: config.influx.readParts,
    engine: enginePool.engine,
    readCache: new ReadCache(config.store.readCachePoints),
    trainInBackground: (orgId, request) => trainer.trainInBackground(orgId, request),
  });
  const provisioned: ProvisionedDetector[] =
    overrides.provisioned ??
    (config.detectorsFile
      ? await loadProvisionedDetectors(config.detectorsFile, config.auth.defaultOrgId)
      : []);
  const maintenance = new MaintenanceService({
    store,
    provisioned:
      overrides.provisionedWindows ??
      (config.maintenanceFile
        ? await loadProvisionedWindows(config.maintenanceFile, config.auth.defaultOrgId)
        : []),
  });
  const detectors: DetectorService = new DetectorService({
    steering: (orgId, detectorId): Promise<Steering | null> =>
      steeringFor({ marks, maintenance }, orgId, detectorId),
    store,
    access,
    scoring,
    logger,
    metrics,
    provisioned,
    defaultDatabase: config.influx.database,
    legacyOrgId: config.auth.defaultOrgId,
    maxSeries: config.limits.maxSeries,
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(redis && config.cluster
      ? {
          cluster: {
            queue: new DetectorQueue(redis, {
              replicaId: config.cluster.replicaId,
              lockMs: config.detectorJobs.lockMs,
              concurrency: config.detectorJobs.concurrency,
              logger,
            }),
            partitions: config.detectorJobs.partitions,
            replicaId: config.cluster.replicaId,
          },
        }
      : {}),
  });
  const marks: MarkService = new MarkService({
    store,
    checkDetector: (orgId, id): Promise<unknown> => detectors.get(orgId, id),
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  const backtests = new BacktestService({
    store,
    access,
    scoring,
    marks,
    maintenance,
    logger,
    maxConcurrent: config.limits.maxConcurrentTrainings,
    maxPoints: config.limits.maxPoints,
  });
  const { auth } = config;
  return {
    config,
    logger,
    metrics,
    influx,
    access,
    store,
    scoring,
    enginePool,
    trainer,
    detectors,
    marks,
    maintenance,
    backtests,
    auth: {
      checkToken: createTokenChecker(auth.tokens),
      requireIdToken: auth.requireIdToken,
      defaultRole: auth.defaultRole,
      tokenOnlyRole: auth.tokenOnlyRole,
      defaultOrgId: auth.defaultOrgId,
      ...(auth.grafanaUrl
        ? {
            idToken: {
              jwks: new JwksCache({
                url: new URL('api/signing-keys/keys', withSlash(auth.grafanaUrl)).toString(),
              }),
              issuer: auth.idTokenIssuer ?? auth.grafanaUrl,
            },
          }
        : {}),
    },
  };
}

interface OpenedStore {
  store: StateStore;
  /** Has `caches` drop what they keep of a model changed on any replica (nothing to do on one node). */
  watchModels(caches: ModelCaches[]): void;
  redis: RedisConnection | null;
}

/** The shared Redis store when REDIS_URL is set (scale-out), else the files in DATA_DIR. */
async function openStore(config: Config, logger: Logger): Promise<OpenedStore> {
  const options: StateStoreOptions = { keepModelVersions: config.store.keepModelVersions };
  if (!config.cluster) {
    return { store: await openStateStore(config.store.dataDir, options), watchModels: () => {}, redis: null };
  }
  const redis = await connectRedis(config.cluster.redisUrl, {
    events: {
      onLost: (error) =>
        logger.warn('lost the connection to Redis; requests that need state get 503 until it is back', {
          error,
        }),
      onRestored: () => logger.info('connected to Redis again'),
    },
  });
  const { replicaId } = config.cluster;
  const changes = await ModelChangeFeed.start(redis, replicaId, logger);
  const store = openRedisStateStore(redis, {
    ...options,
    replicaId,
    onModelChange: (change) => changes.publish(change),
  });
  changes.add(store.models);
  const watchModels = (caches: ModelCaches[]) => {
    for (const cache of caches) changes.add(cache);
  };
  return { store, watchModels, redis };
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** How the scorer talks to InfluxDB, credentials aside (each org's may differ: ORG_ACCESS_FILE). */
export function influxClientOptions(config: Config): Omit<InfluxClientOptions, 'auth'> {
  return {
    url: config.influx.url,
    apiVersion: config.influx.apiVersion,
    timeoutMs: config.influx.timeoutMs,
    retries: config.influx.retries,
    gzip: config.influx.gzip,
  };
}
