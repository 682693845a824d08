import type { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import type { SchemaKind, ScorerClient } from './api';
import type { TidemarkVariableQuery, VariableKind } from './types';

const ENDPOINT: Record<VariableKind, SchemaKind> = {
  databases: 'databases',
  measurements: 'measurements',
  fields: 'fields',
  tagKeys: 'tag-keys',
  tagValues: 'tag-values',
};

/** Lists a template variable's values from the scorer's schema endpoints; the query may use other variables. */
export async function listVariableValues(
  client: ScorerClient,
  query: TidemarkVariableQuery,
  scopedVars: ScopedVars,
): Promise<string[]> {
  const replace = (text?: string) => (text ? getTemplateSrv().replace(text, scopedVars) : undefined);
  const endpoint = ENDPOINT[query.kind];
  if (!endpoint) throw new Error(`Unknown variable query "${query.kind}".`);
  if (query.kind === 'tagValues' && !query.key) throw new Error('Choose the tag key whose values to list.');
  return client.schema(endpoint, {
    database: replace(query.database),
    measurement: replace(query.measurement),
    key: replace(query.key),
  });
}
