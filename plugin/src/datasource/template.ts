import type { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import type { TagFilter } from '@tidemark/core';
import type { TidemarkQuery } from './types';

/** Separates the values of a multi-value variable inside one interpolated string. */
const MULTI = '\u001f';
/** Most series one query may fan out to through multi-value tag variables. */
export const MAX_EXPANSION = 25;

const joinMulti = (value: string | string[]) => (Array.isArray(value) ? value.join(MULTI) : value);

function replace(text: string | undefined, scopedVars: ScopedVars): string | undefined {
  return text === undefined ? undefined : getTemplateSrv().replace(text, scopedVars);
}

function replaceMulti(text: string, scopedVars: ScopedVars): string[] {
  return getTemplateSrv()
    .replace(text, scopedVars, joinMulti)
    .split(MULTI)
    .filter((value) => value !== '');
}

/** Interpolates every string of a query; multi-value tag values stay joined until `expandMultiValues`. */
export function interpolateQuery(query: TidemarkQuery, scopedVars: ScopedVars): TidemarkQuery {
  return {
    ...query,
    database: replace(query.database, scopedVars) ?? '',
    retentionPolicy: replace(query.retentionPolicy, scopedVars),
    measurement: replace(query.measurement, scopedVars) ?? '',
    field: replace(query.field, scopedVars) ?? '',
    aggregation: replace(query.aggregation, scopedVars) ?? 'mean',
    tags: query.tags.map((tag) => ({
      ...tag,
      key: replace(tag.key, scopedVars) ?? '',
      value: getTemplateSrv().replace(tag.value, scopedVars, joinMulti),
    })),
    groupBy: query.groupBy.flatMap((key) => replaceMulti(key, scopedVars)),
    detector: replace(query.detector, scopedVars) ?? '',
    trainingWindow: replace(query.trainingWindow, scopedVars),
    season: replace(query.season, scopedVars),
    annotationDetector: replace(query.annotationDetector, scopedVars),
  };
}

/**
 * A tag filter whose variable holds several values (`host = $host` with a and b selected) becomes one
 * query per combination, so each host gets its own band.
 */
export function expandMultiValues(query: TidemarkQuery): TidemarkQuery[] {
  let combinations: TagFilter[][] = [[]];
  for (const tag of query.tags) {
    const values = tag.value.split(MULTI);
    combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, { ...tag, value }]));
    if (combinations.length > MAX_EXPANSION) {
      throw new Error(
        `The selected variable values expand to more than ${MAX_EXPANSION} series; select fewer values or group by the tag instead.`,
      );
    }
  }
  return combinations.map((tags) => ({ ...query, tags }));
}
