import type { SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { useEffect, useState } from 'react';
import type { SchemaKind, SchemaParams, ScorerClient } from '../api';

export interface SchemaOptions {
  options: Array<SelectableValue<string>>;
  loading: boolean;
  error?: string;
}

/** Dashboard variables offered in every select, so any field can be `$variable`. */
export function variableOptions(): Array<SelectableValue<string>> {
  return getTemplateSrv()
    .getVariables()
    .map((variable) => ({
      label: `$${variable.name}`,
      value: `$${variable.name}`,
      description: 'Template variable',
    }));
}

/**
 * Loads one schema list from the scorer when its inputs are complete, and again when they change.
 * `params` are interpolated first, so a `$database` variable works in the editor too.
 */
export function useSchemaOptions(
  client: ScorerClient,
  kind: SchemaKind,
  params: SchemaParams,
  ready = true,
): SchemaOptions {
  const [state, setState] = useState<SchemaOptions>({ options: [], loading: false });
  const { database, measurement, key } = params;
  useEffect(() => {
    if (!ready) {
      setState({ options: variableOptions(), loading: false });
      return;
    }
    let cancelled = false;
    const replace = (text?: string) => (text ? getTemplateSrv().replace(text) : undefined);
    setState((previous) => ({ ...previous, loading: true }));
    client
      .schema(kind, { database: replace(database), measurement: replace(measurement), key: replace(key) })
      .then((values) => {
        if (cancelled) return;
        setState({
          options: [...values.map((value) => ({ label: value, value })), ...variableOptions()],
          loading: false,
        });
      })
      .catch((error: Error) => {
        if (!cancelled) setState({ options: variableOptions(), loading: false, error: error.message });
      });
    return () => {
      cancelled = true;
    };
  }, [client, kind, database, measurement, key, ready]);
  return state;
}
