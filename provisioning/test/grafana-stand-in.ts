/**
 * What Grafana does with the provisioned files, for tests on machines where Grafana cannot run:
 * reading them, expanding InfluxQL macros, and evaluating an alert rule's queries with its reduce
 * and threshold expressions. Each piece follows Grafana's documented behaviour and source:
 *  - `$timeFilter` → `time >= <from>ms and time <= <to>ms`, `$__interval`/`$interval` as
 *    gtime.FormatInterval, `$__interval_ms` (pkg/tsdb/influxdb/models/query.go, `Build`);
 *  - a multi-value or All variable inside `/^$var$/` becomes `(a|b)` (Grafana's InfluxDB
 *    `interpolateQueryExpr`); a single value is inserted as it is;
 *  - server-side expressions: `reduce` (reducers last/max/min/mean/sum/count, modes dropNN and
 *    replaceNN) and `threshold` (gt, lt, within_range, outside_range) per label set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const path = (...parts: string[]) => join(ROOT, ...parts);

export function readYaml<T = unknown>(file: string): T {
  return parse(readFileSync(path(file), 'utf8')) as T;
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(path(file), 'utf8')) as T;
}

/** The plugin ids this repository builds, from the plugin's own plugin.json files. */
export function pluginIds(): { app: string; datasource: string; panel: string } {
  const id = (file: string) => readJson<{ id: string }>(`plugin/src/${file}`).id;
  return { app: id('plugin.json'), datasource: id('datasource/plugin.json'), panel: id('panel/plugin.json') };
}

/** Data source types built into Grafana (no plugin to install). */
export const GRAFANA_CORE_DATASOURCE_TYPES = new Set([
  'influxdb',
  'prometheus',
  'loki',
  'tempo',
  'jaeger',
  'zipkin',
  'graphite',
  'elasticsearch',
  'opentsdb',
  'mysql',
  'grafana-postgresql-datasource',
  'mssql',
  'cloudwatch',
  'stackdriver',
  'grafana-azure-monitor-datasource',
  'grafana-testdata-datasource',
  'alertmanager',
  'grafana',
  'datasource',
]);

/** Panel types built into Grafana. */
export const GRAFANA_CORE_PANEL_TYPES = new Set([
  'row',
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'text',
  'barchart',
  'histogram',
  'heatmap',
  'state-timeline',
  'status-history',
  'piechart',
  'logs',
  'alertlist',
  'annolist',
  'dashlist',
  'nodeGraph',
  'traces',
  'xychart',
  'trend',
  'canvas',
  'geomap',
]);

/** Grafana's gtime.FormatInterval: the largest whole unit. */
export function formatInterval(ms: number): string {
  const units: Array<[string, number]> = [
    ['y', 365 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ];
  for (const [unit, size] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return '1ms';
}

export interface RenderOptions {
  from: number;
  to: number;
  intervalMs: number;
  /** Template variables: one value, or several (multi-value or All). */
  variables?: Record<string, string | string[]>;
}

const escapeRegex = (value: string) => value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** An InfluxQL query as Grafana's InfluxDB data source sends it. */
export function renderInfluxQL(query: string, options: RenderOptions): string {
  let text = query;
  for (const [name, value] of Object.entries(options.variables ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    const regex = values.length === 1 ? escapeRegex(values[0]!) : `(${values.map(escapeRegex).join('|')})`;
    text = text.replaceAll(`/^$${name}$/`, `/^${regex}$/`).replaceAll(`$${name}`, values.join(','));
  }
  const interval = formatInterval(options.intervalMs);
  return text
    .replaceAll('$timeFilter', `time >= ${options.from}ms and time <= ${options.to}ms`)
    .replaceAll('$__interval_ms', String(options.intervalMs))
    .replaceAll('$__interval', interval)
    .replaceAll('$interval', interval);
}

/** One series as a data source returns it: labels (InfluxDB tags) and values in time order. */
export interface LabelledSeries {
  labels: Record<string, string>;
  values: Array<number | null>;
}

export interface RuleData {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: Record<string, unknown> & {
    type?: string;
    expression?: string;
    reducer?: string;
    settings?: { mode?: string; replaceWithValue?: number };
    conditions?: Array<{ evaluator: { type: string; params: number[] } }>;
    query?: string;
  };
}

export interface AlertRule {
  uid: string;
  title: string;
  condition: string;
  data: RuleData[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  noDataState?: string;
  for?: string;
}

const labelKey = (labels: Record<string, string>) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

function reduce(values: Array<number | null>, reducer: string, settings: RuleData['model']['settings']) {
  const numbers =
    settings?.mode === 'replaceNN'
      ? values.map((v) => (v === null || Number.isNaN(v) ? (settings.replaceWithValue ?? 0) : v))
      : values.filter((v): v is number => v !== null && !Number.isNaN(v));
  if (numbers.length === 0) return settings?.mode === 'replaceNN' ? (settings.replaceWithValue ?? 0) : null;
  switch (reducer) {
    case 'last':
      return numbers.at(-1)!;
    case 'max':
      return Math.max(...numbers);
    case 'min':
      return Math.min(...numbers);
    case 'sum':
      return numbers.reduce((a, b) => a + b, 0);
    case 'mean':
      return numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case 'count':
      return numbers.length;
    default:
      throw new Error(`reducer "${reducer}" is not modelled here`);
  }
}

function threshold(value: number, evaluator: { type: string; params: number[] }): boolean {
  const [a, b] = evaluator.params as [number, number];
  switch (evaluator.type) {
    case 'gt':
      return value > a;
    case 'lt':
      return value < a;
    case 'within_range':
      return value > a && value < b;
    case 'outside_range':
      return value < a || value > b;
    default:
      throw new Error(`threshold "${evaluator.type}" is not modelled here`);
  }
}

export interface RuleInstance {
  labels: Record<string, string>;
  /** Every reduce/threshold result for this label set, by refId (`$values` in templates). */
  values: Record<string, number | null>;
  firing: boolean;
}

/**
 * Evaluates an alert rule at `now`: each query over its relative time range (through `runQuery`),
 * then the expressions in order. One instance per label set of the condition's input.
 */
export async function evaluateRule(
  rule: AlertRule,
  now: number,
  runQuery: (data: RuleData, from: number, to: number) => Promise<LabelledSeries[]>,
): Promise<RuleInstance[]> {
  const series = new Map<string, LabelledSeries[]>();
  const numbers = new Map<string, Map<string, { labels: Record<string, string>; value: number | null }>>();
  for (const data of rule.data) {
    if (data.datasourceUid !== '__expr__') {
      const range = data.relativeTimeRange ?? { from: 600, to: 0 };
      series.set(data.refId, await runQuery(data, now - range.from * 1000, now - range.to * 1000));
      continue;
    }
    const { model } = data;
    const out = new Map<string, { labels: Record<string, string>; value: number | null }>();
    if (model.type === 'reduce') {
      for (const one of series.get(model.expression!) ?? []) {
        out.set(labelKey(one.labels), {
          labels: one.labels,
          value: reduce(one.values, model.reducer!, model.settings),
        });
      }
    } else if (model.type === 'threshold') {
      for (const [key, { labels, value }] of numbers.get(model.expression!) ?? []) {
        const fired = value !== null && threshold(value, model.conditions![0]!.evaluator);
        out.set(key, { labels, value: fired ? 1 : 0 });
      }
    } else {
      throw new Error(`expression type "${model.type}" is not modelled here`);
    }
    numbers.set(data.refId, out);
  }
  const condition = numbers.get(rule.condition) ?? new Map();
  return [...condition.entries()].map(([key, { labels, value }]) => ({
    labels,
    firing: value === 1,
    values: Object.fromEntries(
      [...numbers.entries()].map(([refId, results]) => [refId, results.get(key)?.value ?? null]),
    ),
  }));
}
