import type { ScoredSeries } from '@tidemark/core';
import { seriesTitle } from './frames';
import type { TidemarkQuery } from './types';

/** The field of a series the scorer named `measurement field {tags}`, among the query's fields. */
function fieldOf(series: ScoredSeries, query: TidemarkQuery): string {
  const fields = query.fields?.length ? query.fields : [query.field];
  const prefix = `${query.measurement} `;
  const named = series.name.startsWith(prefix) ? series.name.slice(prefix.length) : series.name;
  return fields.find((field) => named === field || named.startsWith(`${field} {`)) ?? query.field;
}

/**
 * A series' title from the query's alias, as Grafana's InfluxDB data source reads one:
 * `$tag_host` / `[[tag_host]]` the series' host tag, `$measurement` / `$m`, `$field` / `$col`.
 * Without an alias: `cpu usage_idle {host=a}`.
 */
export function aliasedTitle(query: TidemarkQuery): (series: ScoredSeries) => string {
  const alias = query.alias?.trim();
  if (!alias) return seriesTitle;
  return (series) =>
    alias.replace(
      /\$tag_([\w.-]+)|\[\[tag_([^\]]+)\]\]|\$(measurement|m|field|col)\b|\[\[(measurement|m|field|col)\]\]/g,
      (match, tagA?: string, tagB?: string, nameA?: string, nameB?: string) => {
        const tag = tagA ?? tagB;
        if (tag !== undefined) return series.tags[tag] ?? match;
        const name = nameA ?? nameB;
        return name === 'measurement' || name === 'm' ? query.measurement : fieldOf(series, query);
      },
    );
}
