import type { QueryEditorProps } from '@grafana/data';
import { InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { DataSource } from '../../datasource';
import { migrateQuery } from '../../migrate';
import type { AnnotationSource, TidemarkOptions, TidemarkQuery } from '../../types';
import { QueryEditor } from '../QueryEditor/QueryEditor';

type Props = QueryEditorProps<DataSource, TidemarkQuery, TidemarkOptions>;

const SOURCES = [
  { label: 'Continuous detectors', value: 'detectors' as const, description: 'Regions stored by the scorer' },
  { label: 'Score a query', value: 'score' as const, description: 'Regions found scoring a series now' },
];

/** Anomaly regions as region annotations: from the continuous detectors, or from scoring a query. */
export function AnnotationsQueryEditor(props: Props) {
  const query = migrateQuery({ annotationSource: 'detectors', ...props.query });
  const source: AnnotationSource = query.annotationSource ?? 'detectors';
  const update = (patch: Partial<TidemarkQuery>) => props.onChange({ ...query, ...patch });
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Regions from" labelWidth={14}>
        <RadioButtonGroup
          data-testid={TEST_IDS.annotationsEditor.source}
          options={SOURCES}
          value={source}
          onChange={(annotationSource) => update({ annotationSource })}
        />
      </InlineField>
      {source === 'detectors' ? (
        <InlineField
          label="Detector"
          labelWidth={14}
          tooltip="Name of one continuous detector; empty for all"
        >
          <Input
            data-testid={TEST_IDS.annotationsEditor.detector}
            width={32}
            placeholder="all detectors"
            defaultValue={query.annotationDetector ?? ''}
            onBlur={(event) => update({ annotationDetector: event.currentTarget.value.trim() || undefined })}
          />
        </InlineField>
      ) : (
        <QueryEditor
          {...props}
          query={query}
          onChange={(next) => props.onChange({ ...next, annotationSource: 'score' })}
        />
      )}
    </Stack>
  );
}
