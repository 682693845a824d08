import type { SelectableValue } from '@grafana/data';
import { Select } from '@grafana/ui';
import React from 'react';

interface Props {
  testId: string;
  width: number;
  placeholder: string;
  /** The chosen name; '' when none is. */
  value: string;
  options: Array<SelectableValue<string>>;
  loading?: boolean;
  /** The chosen or typed name; '' when cleared. */
  onChange: (value: string) => void;
}

/** One schema name (database, measurement, field, tag key or value): from the scorer's list, a variable, or typed in. */
export function SchemaSelect({ testId, width, placeholder, value, options, loading, onChange }: Props) {
  return (
    <Select
      data-testid={testId}
      width={width}
      allowCustomValue
      isLoading={loading}
      options={options}
      value={value ? { label: value, value } : null}
      placeholder={placeholder}
      onChange={(option) => onChange(option?.value ?? '')}
    />
  );
}
