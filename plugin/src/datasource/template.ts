import type { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { escapeRegex, isRegexOperator, type TagFilter } from '@tidemark/core';
import type { TidemarkQuery } from './types';

/**
 * Template variables the way Grafana hands them to a data source (its documented contract for
 * `TemplateSrv.replace` with a format function): a multi-value variable, or "All" without a
 * custom all value, reaches the format function as the array of selected values; "All" with a
 * custom all value (often `.*`) comes back as that text, unformatted; `$__all` is the value
 * "All" has where no variable expands it (a dashboard link's `var-host=$__all`).
 */

/** Separates the values of a multi-value variable inside one interpolated string. */
const MULTI = '\u001f';
/** Grafana's value of an "All" selection. */
export const ALL_VALUE = '$__all';

const joinMulti = (value: string | string[]) => (Array.isArray(value) ? value.join(MULTI) : value);
/** Grafana's InfluxDB data source's regex format: each value escaped, several as `(a|b)`. */
const regexFormat = (value: string | string[]) => {
  const values = Array.isArray(value) ? value : [value];
  if (values.includes(ALL_VALUE)) return '.*';
  return values.length === 1 ? escapeRegex(values[0]!) : `(${values.map(escapeRegex).join('|')})`;
};

/**
 * `${host:glob}`, `${host:regex}`, `[[host:pipe]]` … written as `${host}`: the filter's operator
 * decides how values are joined (`{a,b}`, `(a|b)` or `a|b` would otherwise reach InfluxDB as text).
 */
function withoutFormats(text: string): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax, not a template literal
  return text.replace(/\$\{(\w+):[\w-]+\}/g, '${$1}').replace(/\[\[(\w+):[\w-]+\]\]/g, '[[$1]]');
}

function replace(text: string | undefined, scopedVars: ScopedVars): string | undefined {
  return text === undefined ? undefined : getTemplateSrv().replace(text, scopedVars);
}

function replaceMulti(text: string, scopedVars: ScopedVars): string[] {
  return getTemplateSrv()
    .replace(withoutFormats(text), scopedVars, joinMulti)
    .split(MULTI)
    .filter((value) => value !== '');
}

/** The variable `text` is exactly a reference to (`$host`, `${host}`, `[[host]]`), if it is one. */
function soleVariable(text: string): string | null {
  const match = /^\s*(?:\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\])\s*$/.exec(text);
  return match ? (match[1] ?? match[2] ?? match[3])! : null;
}

/** The custom all value of `name` when "All" is what it holds now (in the panel's scope or the dashboard). */
function customAllValue(name: string, scopedVars: ScopedVars): string | null {
  const variable = getTemplateSrv()
    .getVariables()
    .find((one) => one.name === name) as
    | { current?: { value?: string | string[] }; allValue?: string | null }
    | undefined;
  const current = scopedVars[name]?.value ?? variable?.current?.value;
  const isAll = Array.isArray(current) ? current.includes(ALL_VALUE) : current === ALL_VALUE;
  return isAll && variable?.allValue ? variable.allValue : null;
}

const withoutSlashes = (text: string) =>
  text.length >= 2 && text.startsWith('/') && text.endsWith('/') ? text.slice(1, -1) : text;

/** One tag filter interpolated: the filter InfluxDB gets, and a tag key to group by when it selects several values. */
export interface InterpolatedTag {
  filter: TagFilter | null;
  groupBy: string | null;
}

/**
 * A regex filter (`host =~ /^$host$/`) gets each value regex-escaped, several as `(a|b)`, a
 * custom all value as is. An `=`/`!=` filter selecting several values (or "All") becomes the
 * regex `^(a|b)$` — InfluxDB then answers one series per value, grouped by the key, so each value
 * gets its own band; the scorer caps them at MAX_SERIES and says so.
 */
export function interpolateTag(tag: TagFilter, scopedVars: ScopedVars): InterpolatedTag {
  const key = replace(tag.key, scopedVars) ?? '';
  const template = withoutFormats(tag.value);
  if (isRegexOperator(tag.operator)) {
    const value = getTemplateSrv().replace(withoutSlashes(template.trim()), scopedVars, regexFormat);
    return { filter: { key, operator: tag.operator, value }, groupBy: null };
  }
  const regexOperator = tag.operator === '!=' ? '!~' : '=~';
  const grouped = tag.operator === '=' && key !== '' ? key : null;
  const variable = soleVariable(template);
  const allValue = variable ? customAllValue(variable, scopedVars) : null;
  if (allValue !== null) {
    return { filter: { key, operator: regexOperator, value: `^(?:${allValue})$` }, groupBy: grouped };
  }
  const values = getTemplateSrv().replace(template, scopedVars, joinMulti).split(MULTI);
  if (values.includes(ALL_VALUE)) {
    // Every value of the key: no filter for `=`; nothing is left for `!=`.
    return tag.operator === '='
      ? { filter: null, groupBy: grouped }
      : { filter: { key, operator: '!~', value: '.*' }, groupBy: null };
  }
  if (values.length === 1)
    return { filter: { key, operator: tag.operator, value: values[0]! }, groupBy: null };
  const value = `^${regexFormat([...new Set(values)])}$`;
  return { filter: { key, operator: regexOperator, value }, groupBy: grouped };
}

/** Interpolates every string of a query, tag filters as `interpolateTag` says, fields and group-by keys as lists. */
export function interpolateQuery(query: TidemarkQuery, scopedVars: ScopedVars): TidemarkQuery {
  const tags = query.tags.map((tag) => interpolateTag(tag, scopedVars));
  const groupBy = query.groupBy.flatMap((key) => replaceMulti(key, scopedVars));
  const fields = (query.fields?.length ? query.fields : [query.field]).flatMap((field) =>
    replaceMulti(field, scopedVars),
  );
  return {
    ...query,
    database: replace(query.database, scopedVars) ?? '',
    retentionPolicy: replace(query.retentionPolicy, scopedVars),
    measurement: replace(query.measurement, scopedVars) ?? '',
    field: fields[0] ?? '',
    fields: [...new Set(fields)],
    aggregation: replace(query.aggregation, scopedVars) ?? 'mean',
    tags: tags.flatMap((tag) => (tag.filter ? [tag.filter] : [])),
    groupBy: [...new Set([...groupBy, ...tags.flatMap((tag) => (tag.groupBy ? [tag.groupBy] : []))])],
    detector: replace(query.detector, scopedVars) ?? '',
    trainingWindow: replace(query.trainingWindow, scopedVars),
    season: replace(query.season, scopedVars),
    annotationDetector: replace(query.annotationDetector, scopedVars),
  };
}
