import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, Select } from '@grafana/ui';
import React, { useState } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { DataSource } from '../../datasource';
import type { TidemarkVariableQuery, VariableKind } from '../../types';

interface Props {
  query: TidemarkVariableQuery | string;
  datasource: DataSource;
  onChange: (query: TidemarkVariableQuery, definition: string) => void;
}

const KINDS: Array<SelectableValue<VariableKind>> = [
  { label: 'Databases', value: 'databases' },
  { label: 'Measurements', value: 'measurements' },
  { label: 'Fields', value: 'fields' },
  { label: 'Tag keys', value: 'tagKeys' },
  { label: 'Tag values', value: 'tagValues' },
];
const NEEDS: Record<VariableKind, Array<'database' | 'measurement' | 'key'>> = {
  databases: [],
  measurements: ['database'],
  fields: ['database', 'measurement'],
  tagKeys: ['database', 'measurement'],
  tagValues: ['database', 'measurement', 'key'],
};

/** `definition` is the one-line summary Grafana lists beside the variable, e.g. `tagValues(telegraf, cpu, host)`. */
export function definitionOf(query: TidemarkVariableQuery): string {
  const args = NEEDS[query.kind].map((name) => query[name] ?? '');
  return `${query.kind}(${args.join(', ')})`;
}

export function VariableQueryEditor({ query: saved, onChange }: Props) {
  const [query, setQuery] = useState<TidemarkVariableQuery>(
    typeof saved === 'string' ? { kind: 'measurements' } : { ...saved, kind: saved.kind ?? 'measurements' },
  );
  const commit = (next: TidemarkVariableQuery) => {
    setQuery(next);
    onChange(next, definitionOf(next));
  };
  const text = (name: 'database' | 'measurement' | 'key', label: string) =>
    NEEDS[query.kind].includes(name) && (
      <InlineField label={label} labelWidth={14} key={name}>
        <Input
          width={24}
          aria-label={label}
          defaultValue={query[name] ?? ''}
          placeholder="name or $variable"
          onBlur={(event) => commit({ ...query, [name]: event.currentTarget.value.trim() })}
        />
      </InlineField>
    );
  return (
    <InlineFieldRow>
      <InlineField label="List" labelWidth={14}>
        <Select
          data-testid={TEST_IDS.variableEditor.kind}
          width={20}
          options={KINDS}
          value={query.kind}
          onChange={(option) => commit({ ...query, kind: option.value ?? 'measurements' })}
        />
      </InlineField>
      {text('database', 'Database')}
      {text('measurement', 'Measurement')}
      {text('key', 'Tag key')}
    </InlineFieldRow>
  );
}
