import { createHash } from 'node:crypto';
import { type AlertRuleQuery, type ContinuousDetectorDefinition, thresholdOf } from '@tidemark/core';
import { stringify } from 'yaml';
import { qualifiedMeasurement, quoteIdentifier, quoteString } from '../influx/escape';
import { writtenByOrg } from './output';

/** Grafana's limits on a rule's uid (40 of `A–Z a–z 0–9 - _`) and title (190 characters). */
const MAX_UID = 40;
const MAX_TITLE = 190;
/** How far back each evaluation reads the written-back output. */
const LOOKBACK_S = 600;

/** `tidemark-<id>`, or a cut id plus a hash of it when that is longer than Grafana allows. */
export function alertRuleUid(detectorId: string): string {
  const uid = `tidemark-${detectorId}`;
  if (uid.length <= MAX_UID) return uid;
  const hash = createHash('sha256').update(detectorId).digest('hex').slice(0, 8);
  return `${uid.slice(0, MAX_UID - 9)}-${hash}`;
}

/** The output tag a series' group-by tag is written as (see `outputTags`). */
const outputTagKey = (key: string) => (['org', 'detector', 'series'].includes(key) ? `tag_${key}` : key);

export interface AlertRuleSource {
  orgId: number;
  legacyOrgId: number;
  /** Where the detector writes (`outputDatabase`). */
  database: string;
  definition: ContinuousDetectorDefinition;
}

/**
 * The queries of the rule: per written series, whether any point of the last 10 minutes is
 * flagged (`anomaly` = 1: the detector's own threshold, never inside a maintenance window), and
 * the score, value and expected range of the latest flagged point for the annotations.
 */
function queries({ orgId, legacyOrgId, database, definition }: AlertRuleSource, datasourceUid: string) {
  const from = qualifiedMeasurement(
    database,
    definition.output.retentionPolicy,
    definition.output.measurement,
  );
  const where = `${writtenByOrg(orgId, legacyOrgId)} AND ${quoteIdentifier('detector')}::tag = ${quoteString(definition.id)}`;
  const groupBy = ['series', ...definition.query.groupBy.map(outputTagKey)].map(quoteIdentifier).join(', ');
  const select = (refId: string, what: string, flaggedOnly: boolean) => ({
    refId,
    relativeTimeRange: { from: LOOKBACK_S, to: 0 },
    datasourceUid,
    model: {
      refId,
      rawQuery: true,
      resultFormat: 'time_series',
      query: `SELECT ${what} FROM ${from} WHERE ${flaggedOnly ? '"anomaly" = 1 AND ' : ''}${where} AND $timeFilter GROUP BY ${groupBy}`,
    },
  });
  const reduce = (refId: string, expression: string, reducer: string) => ({
    refId,
    datasourceUid: '__expr__',
    model: { refId, type: 'reduce', expression, reducer, settings: { mode: 'dropNN' } },
  });
  return [
    select('A', 'max("anomaly")', false),
    select('SCORE', 'last("score")', true),
    select('VALUE', 'last("value")', true),
    select('LOWER', 'last("lower")', true),
    select('UPPER', 'last("upper")', true),
    reduce('B', 'A', 'max'),
    reduce('S', 'SCORE', 'last'),
    reduce('V', 'VALUE', 'last'),
    reduce('L', 'LOWER', 'last'),
    reduce('U', 'UPPER', 'last'),
    {
      refId: 'C',
      datasourceUid: '__expr__',
      model: {
        refId: 'C',
        type: 'threshold',
        expression: 'B',
        conditions: [{ evaluator: { type: 'gt', params: [0.5] } }],
      },
    },
  ];
}

const humanized = (ref: string) => `{{ with $values.${ref} }}{{ humanize .Value }}{{ end }}`;

/** The rule as Grafana's provisioning API takes it (`ProvisionedAlertRule`), without folder and group. */
function ruleBody(source: AlertRuleSource, query: AlertRuleQuery) {
  const { definition } = source;
  const threshold = thresholdOf(definition.detector.params);
  const title = `Tidemark: ${definition.name ?? definition.id}`.slice(0, MAX_TITLE);
  return {
    uid: alertRuleUid(definition.id),
    title,
    condition: 'C',
    data: queries(source, query.datasourceUid),
    noDataState: 'OK',
    execErrState: 'Error',
    for: '0s',
    labels: { source: 'tidemark', detector: definition.id, severity: 'warning' },
    annotations: {
      summary: `Anomaly in {{ $labels.series }} (score ${humanized('S')})`,
      description:
        `Tidemark's continuous detector "${definition.id}" (${definition.detector.id}, flagging at score ${threshold}) ` +
        `flagged {{ $labels.series }}: value ${humanized('V')}, expected ${humanized('L')} to ${humanized('U')} ` +
        `(score ${humanized('S')}).`,
      __dashboardUid__: query.dashboardUid,
      __panelId__: String(query.panelId),
    },
    isPaused: false,
  };
}

/** One rule for Grafana's `POST /api/v1/provisioning/alert-rules` (folder by uid). */
export function alertRuleJson(source: AlertRuleSource, query: AlertRuleQuery) {
  return { ...ruleBody(source, query), orgID: source.orgId, folderUID: query.folder, ruleGroup: query.group };
}

/** A provisioning file for Grafana's `provisioning/alerting/` folder (folder by title). */
export function alertRuleYaml(source: AlertRuleSource, query: AlertRuleQuery): string {
  const file = {
    apiVersion: 1,
    groups: [
      {
        orgId: source.orgId,
        name: query.group,
        folder: query.folder,
        interval: '1m',
        rules: [ruleBody(source, query)],
      },
    ],
  };
  return `# Tidemark alert rule for detector "${source.definition.id}" (GET /api/v1/detectors/${source.definition.id}/alert-rule).\n${stringify(file, { lineWidth: 0 })}`;
}
