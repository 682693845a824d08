import type { DataQuery, DataSourceJsonData } from '@grafana/data';
import type { Aggregation, Sensitivity, TagFilter } from '@tidemark/core';

/** Version of the saved query model; `migrateQuery` brings any older or partial query up to it. */
export const QUERY_VERSION = 1;

/** Where annotation regions come from: the continuous detectors' stored regions, or scoring this query. */
export type AnnotationSource = 'detectors' | 'score';

/**
 * A panel query, saved in dashboards. Every string may hold template variables (`$host`), so
 * fields are typed as strings and validated against the contract only after interpolation.
 */
export interface TidemarkQuery extends DataQuery {
  queryVersion: number;
  database: string;
  retentionPolicy?: string;
  measurement: string;
  /** The (first) field; older dashboards and plugin versions read only this. */
  field: string;
  /** Every field chosen when there are several (`field` is the first): one series per field. */
  fields?: string[];
  aggregation: Aggregation | string;
  tags: TagFilter[];
  groupBy: string[];
  /**
   * Series name pattern, as Grafana's InfluxDB data source has it: `$tag_<key>` (or `[[tag_<key>]]`)
   * a tag's value, `$measurement`/`$m` the measurement, `$field`/`$col` the field.
   */
  alias?: string;
  /** Detector id (`ensemble`, `robust`, …) or a variable holding one. */
  detector: string;
  sensitivity: Sensitivity;
  /** Score threshold (1–100); overrides `sensitivity` when set. */
  threshold?: number;
  /** History before the range to learn from, e.g. `7d`. */
  trainingWindow?: string;
  /** Season length override, e.g. `1d`. */
  season?: string;
  /** Set by the annotation editor only. */
  annotationSource?: AnnotationSource;
  /** For `annotationSource: 'detectors'`: only regions of this continuous detector. */
  annotationDetector?: string;
}

export const DEFAULT_QUERY: Omit<TidemarkQuery, 'refId'> = {
  queryVersion: QUERY_VERSION,
  database: '',
  measurement: '',
  field: '',
  aggregation: 'mean',
  tags: [],
  groupBy: [],
  detector: 'ensemble',
  sensitivity: 'medium',
};

/** Data source settings (jsonData): stored in Grafana's database and readable by every Viewer. */
export interface TidemarkOptions extends DataSourceJsonData {
  /** Base URL of the scorer as Grafana's server reaches it, e.g. `http://scorer:8080`. */
  scorerUrl?: string;
  /**
   * The InfluxDB behind the scorer (its INFLUX_VERSION): names the editors' fields — a 2.x bucket
   * through its DBRP-mapped database, a 3.x database. Informational; no InfluxDB credential is
   * ever stored in Grafana (the scorer holds them).
   */
  influxVersion?: InfluxVersion;
  /** 2.x: the organization whose buckets are mapped (shown in the editors' help, never sent). */
  influxOrg?: string;
}

export type InfluxVersion = '1.x' | '2.x' | '3.x';

/** Secrets (secureJsonData): write-only from the browser, decrypted only by Grafana's proxy. */
export interface TidemarkSecureOptions {
  /** Bearer token the proxy route sends to the scorer. */
  token?: string;
}

/** What a template variable lists, read from the scorer's schema endpoints. */
export type VariableKind = 'databases' | 'measurements' | 'fields' | 'tagKeys' | 'tagValues';

/** A template variable's query, saved in dashboards. */
export interface TidemarkVariableQuery {
  kind: VariableKind;
  database?: string;
  measurement?: string;
  /** Tag key whose values `tagValues` lists. */
  key?: string;
}
