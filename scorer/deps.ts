import type { OrgAccess } from './access/org-access';
import type { AuthOptions } from './auth/middleware';
import type { BacktestService } from './backtest/backtests';
import type { Config } from './config';
import type { DetectorService } from './continuous/service';
import type { InfluxClient } from './influx';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import type { EnginePool } from './scoring/engine-pool';
import type { ScoringService } from './scoring/score-service';
import type { MaintenanceService } from './steering/maintenance';
import type { MarkService } from './steering/marks';
import type { StateStore } from './store';
import type { Trainer } from './training/trainer';

/** Everything the routes use, built once by `createServices` (or by a test). */
export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** The scorer's own InfluxDB client (readiness); reads and writes for an org go through `access`. */
  influx: InfluxClient;
  access: OrgAccess;
  store: StateStore;
  scoring: ScoringService;
  /** Engine worker threads (started by `startServer`; close it on shutdown). */
  enginePool: EnginePool;
  trainer: Trainer;
  detectors: DetectorService;
  marks: MarkService;
  backtests: BacktestService;
  maintenance: MaintenanceService;
  auth: AuthOptions;
}
