import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import {
  Alert,
  InlineField,
  InlineFieldRow,
  Input,
  MultiSelect,
  RadioButtonGroup,
  Select,
  Stack,
} from '@grafana/ui';
import { AGGREGATIONS, DETECTOR_IDS, type Sensitivity } from '@tidemark/core';
import React, { useEffect, useMemo } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { DataSource } from '../../datasource';
import { useSchemaOptions, variableOptions } from '../../hooks/useSchemaOptions';
import { influxTerms } from '../../influx-terms';
import { migrateQuery } from '../../migrate';
import type { TidemarkOptions, TidemarkQuery } from '../../types';
import { SchemaSelect } from '../SchemaSelect/SchemaSelect';
import { TagFilters } from './TagFilters';

type Props = QueryEditorProps<DataSource, TidemarkQuery, TidemarkOptions>;

const DETECTOR_LABELS: Record<string, string> = {
  ensemble: 'Ensemble (default)',
  robust: 'Robust seasonal baseline',
  'isolation-forest': 'Isolation forest',
  pattern: 'Pattern novelty',
  lstm: 'LSTM forecaster',
};
const SENSITIVITY_OPTIONS: Array<SelectableValue<Sensitivity>> = [
  { label: 'Low', value: 'low', description: 'Flags scores ≥ 85' },
  { label: 'Medium', value: 'medium', description: 'Flags scores ≥ 70' },
  { label: 'High', value: 'high', description: 'Flags scores ≥ 55' },
];
const DURATION = /^(\$\w+|\d+(ms|s|m|h|d|w))$/;

const toOption = (value: string) => ({ label: value, value });

/** The field and the others chosen with it: `fields` only when there is more than one. */
function withFields(field: string, more: string[]): Pick<TidemarkQuery, 'field' | 'fields'> {
  const others = more.filter((name) => name !== '' && name !== field);
  return { field, fields: others.length > 0 ? [field, ...others] : undefined };
}

/** Series, tags and detector; runs the query on every change, like Grafana's own editors. */
export function QueryEditor({ query: saved, datasource, onChange, onRunQuery }: Props) {
  const query = useMemo(() => migrateQuery(saved), [saved]);
  useEffect(() => {
    // A saved query in an older shape is written back once in the current one.
    if (query !== saved) onChange(query);
  }, [query, saved, onChange]);

  const client = datasource.client;
  const terms = influxTerms(datasource.options);
  const { database, measurement } = query;
  const databases = useSchemaOptions(client, 'databases', {});
  const measurements = useSchemaOptions(client, 'measurements', { database }, Boolean(database));
  const fields = useSchemaOptions(
    client,
    'fields',
    { database, measurement },
    Boolean(database && measurement),
  );
  const tagKeys = useSchemaOptions(
    client,
    'tag-keys',
    { database, measurement },
    Boolean(database && measurement),
  );
  const schemaError = databases.error ?? measurements.error ?? fields.error ?? tagKeys.error;

  const moreFields = (query.fields ?? []).slice(1);
  const update = (patch: Partial<TidemarkQuery>, run = true) => {
    onChange({ ...query, ...patch });
    if (run) onRunQuery();
  };
  const detectorOptions = [
    ...DETECTOR_IDS.map((id) => ({ label: DETECTOR_LABELS[id] ?? id, value: id })),
    ...variableOptions(),
  ];

  return (
    <Stack direction="column" gap={0} data-testid={TEST_IDS.queryEditor.root}>
      <InlineFieldRow>
        <InlineField label={terms.database} labelWidth={14} tooltip={terms.databaseTooltip}>
          <SchemaSelect
            testId={TEST_IDS.queryEditor.database}
            width={24}
            loading={databases.loading}
            options={databases.options}
            value={database}
            placeholder="Choose"
            onChange={(database) => update({ database, measurement: '', field: '' }, false)}
          />
        </InlineField>
        <InlineField label="Measurement" labelWidth={14}>
          <SchemaSelect
            testId={TEST_IDS.queryEditor.measurement}
            width={28}
            loading={measurements.loading}
            options={measurements.options}
            value={measurement}
            placeholder="Choose"
            onChange={(measurement) => update({ measurement, field: '' }, false)}
          />
        </InlineField>
        <InlineField label="Field" labelWidth={8}>
          <SchemaSelect
            testId={TEST_IDS.queryEditor.field}
            width={24}
            loading={fields.loading}
            options={fields.options}
            value={query.field}
            placeholder="Choose"
            onChange={(field) => update(withFields(field, moreFields))}
          />
        </InlineField>
        <InlineField label="and" labelWidth={5} tooltip="More fields, scored alike: one series per field">
          <MultiSelect
            data-testid={TEST_IDS.queryEditor.moreFields}
            width={24}
            allowCustomValue
            options={fields.options}
            value={moreFields.map(toOption)}
            placeholder="no other field"
            onChange={(options) =>
              update(
                withFields(
                  query.field,
                  options.map((o) => o.value ?? ''),
                ),
              )
            }
          />
        </InlineField>
        <InlineField
          label="Aggregation"
          labelWidth={12}
          tooltip="How points are combined into each interval; derivative and non_negative_derivative: a counter's rate per second"
        >
          <Select
            data-testid={TEST_IDS.queryEditor.aggregation}
            width={14}
            allowCustomValue
            options={[...AGGREGATIONS.map(toOption), ...variableOptions()]}
            value={toOption(query.aggregation)}
            onChange={(option) => update({ aggregation: option?.value ?? 'mean' })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <TagFilters
          client={client}
          database={database}
          measurement={measurement}
          tagKeys={tagKeys.options}
          tags={query.tags}
          onChange={(tags) => update({ tags })}
        />
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Group by"
          labelWidth={14}
          tooltip="One band per combination of these tags' values"
        >
          <MultiSelect
            data-testid={TEST_IDS.queryEditor.groupBy}
            width={40}
            allowCustomValue
            options={tagKeys.options}
            value={query.groupBy.map(toOption)}
            placeholder="No grouping"
            onChange={(options) => update({ groupBy: options.map((o) => o.value ?? '').filter(Boolean) })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Alias"
          labelWidth={14}
          tooltip="Series name: $tag_<key> (a tag's value), $measurement, $col (the field); empty: cpu usage_idle {host=a}"
        >
          <Input
            data-testid={TEST_IDS.queryEditor.alias}
            width={40}
            placeholder="e.g. $tag_host $col"
            defaultValue={query.alias ?? ''}
            onBlur={(event) => {
              const alias = event.currentTarget.value.trim() || undefined;
              if (alias !== query.alias) update({ alias });
            }}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Detector" labelWidth={14}>
          <Select
            data-testid={TEST_IDS.queryEditor.detector}
            width={28}
            allowCustomValue
            options={detectorOptions}
            value={detectorOptions.find((o) => o.value === query.detector) ?? toOption(query.detector)}
            onChange={(option) => update({ detector: option?.value ?? 'ensemble' })}
          />
        </InlineField>
        <InlineField
          label="Sensitivity"
          labelWidth={12}
          tooltip="Preset for the score threshold; a threshold overrides it"
        >
          <RadioButtonGroup
            data-testid={TEST_IDS.queryEditor.sensitivity}
            options={SENSITIVITY_OPTIONS}
            value={query.sensitivity}
            onChange={(sensitivity) => update({ sensitivity })}
          />
        </InlineField>
        <InlineField
          label="Threshold"
          labelWidth={11}
          tooltip="Score 1–100 at or above which a point is an anomaly"
        >
          <Input
            data-testid={TEST_IDS.queryEditor.threshold}
            type="number"
            width={10}
            min={1}
            max={100}
            placeholder="auto"
            defaultValue={query.threshold ?? ''}
            onBlur={(event) => {
              const text = event.currentTarget.value;
              const threshold = text === '' ? undefined : Math.min(100, Math.max(1, Number(text)));
              if (threshold !== query.threshold) update({ threshold });
            }}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <DurationField
          label="Training window"
          testId={TEST_IDS.queryEditor.trainingWindow}
          tooltip="History before the range to learn from, e.g. 7d"
          value={query.trainingWindow}
          onCommit={(trainingWindow) => update({ trainingWindow })}
        />
        <DurationField
          label="Season"
          testId={TEST_IDS.queryEditor.season}
          tooltip="Season length, e.g. 1d; detected automatically when empty"
          value={query.season}
          onCommit={(season) => update({ season })}
        />
      </InlineFieldRow>
      {schemaError && (
        <Alert severity="warning" title="Could not load the schema from the scorer">
          {schemaError}
        </Alert>
      )}
    </Stack>
  );
}

interface DurationFieldProps {
  label: string;
  testId: string;
  tooltip: string;
  value?: string;
  onCommit: (value: string | undefined) => void;
}

function DurationField({ label, testId, tooltip, value, onCommit }: DurationFieldProps) {
  const [text, setText] = React.useState(value ?? '');
  const invalid = text !== '' && !DURATION.test(text.trim());
  return (
    <InlineField
      label={label}
      labelWidth={label.length > 10 ? 16 : 8}
      tooltip={tooltip}
      invalid={invalid}
      error="e.g. 30m, 6h, 7d, 2w or $variable"
    >
      <Input
        data-testid={testId}
        width={12}
        placeholder="auto"
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onBlur={() => {
          const next = text.trim() || undefined;
          if (!invalid && next !== value) onCommit(next);
        }}
      />
    </InlineField>
  );
}
