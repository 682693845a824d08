/** A small Prometheus registry: counters, gauges and histograms with labels, text exposition 0.0.4. */
type Labels = Record<string, string>;

const labelKey = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',');
const withLabels = (name: string, key: string) => (key ? `${name}{${key}}` : name);

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly type: 'counter' | 'gauge' = 'counter',
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [key, value] of this.values) lines.push(`${withLabels(this.name, key)} ${value}`);
    return lines.join('\n');
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i]!++;
    });
    entry.sum += value;
    entry.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, entry] of this.series) {
      const sep = key ? `${key},` : '';
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket{${sep}le="${bound}"} ${entry.counts[i]}`);
      });
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${entry.count}`);
      lines.push(`${withLabels(`${this.name}_sum`, key)} ${entry.sum}`);
      lines.push(`${withLabels(`${this.name}_count`, key)} ${entry.count}`);
    }
    return lines.join('\n');
  }
}

/** Everything the scorer measures. */
export function createMetrics() {
  const metrics = {
    httpRequests: new Counter('tidemark_http_requests_total', 'HTTP requests by method, route and status.'),
    httpDuration: new Histogram('tidemark_http_request_duration_seconds', 'HTTP request duration by route.'),
    scoreStageDuration: new Histogram(
      'tidemark_score_stage_duration_seconds',
      "Time of each stage of POST /api/v1/score: influx (reading), engine (scoring), written (reading a covering continuous detector's output), encode (JSON).",
    ),
    pointsScored: new Counter(
      'tidemark_points_scored_total',
      'Points scored, by where the request came from.',
    ),
    engineCalls: new Counter(
      'tidemark_engine_calls_total',
      'Engine calls (a series scored, a body of points, an ensemble member scored beside its series), by kind and thread (worker, or main when no worker was up).',
    ),
    engineModelsSent: new Counter(
      'tidemark_engine_models_sent_total',
      'Trained models (what: model; a stored one as its bytes, decoded in the worker) and ensemble members (what: state) sent to an engine worker: once each, then again only after the worker let it go (it keeps MODEL_CACHE_SIZE models).',
    ),
    engineMembersLoaded: new Counter(
      'tidemark_engine_members_loaded_total',
      'Model members (detector) loaded from their state in an engine worker: once per model and worker while the worker keeps the model, whether it scores the model or a member of it handed over by another worker.',
    ),
    trainingsRunning: new Counter('tidemark_trainings_running', 'Training jobs running now.', 'gauge'),
    trainings: new Counter('tidemark_trainings_total', 'Training jobs finished, by status.'),
    continuousRuns: new Counter(
      'tidemark_continuous_runs_total',
      'Continuous detector runs, by detector and result.',
    ),
    continuousLatePoints: new Counter(
      'tidemark_continuous_late_points_total',
      'Points a continuous detector scored after their series had moved on (late data, a new series with history).',
    ),
    continuousSkippedPoints: new Counter(
      'tidemark_continuous_skipped_points_total',
      'Points a continuous detector will never score: older than its maxBackfill when they arrived, or in downtime longer than it.',
    ),
    continuousSkippedIntervals: new Counter(
      'tidemark_continuous_skipped_intervals_total',
      'Intervals a continuous detector never scored because the scorer was down longer than its maxBackfill.',
    ),
    continuousLag: new Counter(
      'tidemark_continuous_lag_seconds',
      'How far behind now each continuous detector has scored.',
      'gauge',
    ),
    continuousPointsWritten: new Counter(
      'tidemark_continuous_points_written_total',
      'Scored points continuous detectors wrote to InfluxDB (by this replica).',
    ),
    clusterJobs: new Counter(
      'tidemark_cluster_detector_jobs_total',
      'Scale-out: detector partition runs this replica did (its share), by result.',
    ),
    clusterSeriesScored: new Counter(
      'tidemark_cluster_series_scored_total',
      'Scale-out: series this replica scored in its partition runs.',
    ),
    clusterQueueDepth: new Counter(
      'tidemark_cluster_detector_queue_jobs',
      "Scale-out: jobs in the shared detector queue, by state (delayed includes every partition's next tick).",
      'gauge',
    ),
    clusterReplica: new Counter(
      'tidemark_cluster_replica_info',
      'Scale-out: this replica (value 1), by REPLICA_ID.',
      'gauge',
    ),
    trainingQueueJobs: new Counter(
      'tidemark_training_queue_jobs',
      "Scale-out: training jobs in the cluster's queue, by state (waiting, active).",
      'gauge',
    ),
    clusterLag: new Counter(
      'tidemark_cluster_detector_lag_seconds',
      'Scale-out: age of the oldest due interval not scored yet, over every detector and partition.',
      'gauge',
    ),
  };
  /** Reads that refresh gauges just before a scrape (the shared queue's depth). */
  const collectors: Array<() => Promise<void>> = [];
  return {
    ...metrics,
    onCollect: (collect: () => Promise<void>) => collectors.push(collect),
    collect: async () => {
      await Promise.all(collectors.map((collect) => collect()));
    },
    render: () =>
      `${Object.values(metrics as Record<string, Metric>)
        .map((m) => m.render())
        .join('\n')}\n`,
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
