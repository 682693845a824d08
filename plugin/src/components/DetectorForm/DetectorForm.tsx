import {
  Alert,
  Button,
  InlineField,
  InlineFieldRow,
  InlineSwitch,
  Input,
  Stack,
  useStyles2,
} from '@grafana/ui';
import type { ScoredSeries } from '@tidemark/core';
import React, { useState } from 'react';
import { TEST_IDS } from '../../constants/tests';
import { QueryEditor } from '../../datasource/components/QueryEditor/QueryEditor';
import { toScoreRequest } from '../../datasource/request';
import type { TabProps } from '../ModelsPage/context';
import { ScoredPlot } from '../ScoredPlot/ScoredPlot';
import { getSharedStyles } from '../shared.styles';
import { type DetectorDraft, definitionOf, durationMs } from './definition';

interface Props extends Pick<TabProps, 'datasource' | 'action'> {
  initial: DetectorDraft;
  /** Editing an existing detector: its id is fixed and saving replaces it. */
  editing: boolean;
  onDone: () => void;
}

const PREVIEW_POINTS = 360;

/**
 * Creates or edits a continuous detector with the data source's own query editor, and previews it:
 * the query scored over its recent past, drawn by the bands panel.
 */
export function DetectorForm({ initial, editing, datasource, action, onDone }: Props) {
  const styles = useStyles2(getSharedStyles);
  const [draft, setDraft] = useState(initial);
  const [preview, setPreview] = useState<{ series?: ScoredSeries[]; error?: string; loading?: boolean }>({});
  const update = (patch: Partial<DetectorDraft>) => setDraft((previous) => ({ ...previous, ...patch }));
  const intervalMs = durationMs(draft.interval);

  const runPreview = async () => {
    if (intervalMs === null) return;
    setPreview({ loading: true });
    try {
      const to = Date.now();
      const request = toScoreRequest(draft.query, to - PREVIEW_POINTS * intervalMs, to, intervalMs);
      const response = await datasource.client.score(request);
      setPreview({ series: response.series });
    } catch (error) {
      setPreview({ error: error instanceof Error ? error.message : String(error) });
    }
  };

  const save = async () => {
    const ok = await action.run(editing ? `Saving ${draft.id}` : `Creating ${draft.id}`, () => {
      const definition = definitionOf(draft);
      return editing
        ? datasource.client.replaceDetector(definition)
        : datasource.client.createDetector(definition);
    });
    if (ok) onDone();
  };

  return (
    <div className={styles.form} data-testid={TEST_IDS.app.detectorForm}>
      <h4>{editing ? `Edit ${initial.name || initial.id}` : 'New continuous detector'}</h4>
      <InlineFieldRow>
        <InlineField label="Id" labelWidth={14} tooltip="Letters, digits, _ and -; fixed once created">
          <Input
            width={24}
            value={draft.id}
            disabled={editing}
            onChange={(e) => update({ id: e.currentTarget.value })}
            data-testid={TEST_IDS.app.detectorId}
          />
        </InlineField>
        <InlineField label="Name" labelWidth={10}>
          <Input width={32} value={draft.name} onChange={(e) => update({ name: e.currentTarget.value })} />
        </InlineField>
      </InlineFieldRow>
      <QueryEditor
        datasource={datasource}
        query={draft.query}
        onChange={(query) => update({ query })}
        onRunQuery={() => {}}
      />
      <InlineFieldRow>
        <InlineField label="Interval" labelWidth={14} invalid={intervalMs === null} error="e.g. 1m">
          <Input
            width={10}
            value={draft.interval}
            onChange={(e) => update({ interval: e.currentTarget.value })}
            data-testid={TEST_IDS.app.detectorInterval}
          />
        </InlineField>
        <InlineField label="Run every" labelWidth={12} tooltip="Empty: every interval">
          <Input
            width={10}
            value={draft.schedule}
            placeholder={draft.interval}
            onChange={(e) => update({ schedule: e.currentTarget.value })}
          />
        </InlineField>
        <InlineField label="Enabled" labelWidth={10}>
          <InlineSwitch value={draft.enabled} onChange={() => update({ enabled: !draft.enabled })} />
        </InlineField>
      </InlineFieldRow>
      <Stack gap={1}>
        <Button
          variant="secondary"
          icon="eye"
          onClick={runPreview}
          disabled={intervalMs === null || preview.loading}
          data-testid={TEST_IDS.app.detectorPreview}
        >
          Preview
        </Button>
        <Button
          icon="save"
          onClick={save}
          disabled={action.busy !== null}
          data-testid={TEST_IDS.app.detectorSave}
        >
          {editing ? 'Save' : 'Create'}
        </Button>
        <Button variant="secondary" fill="text" onClick={onDone}>
          Cancel
        </Button>
      </Stack>
      {preview.error && (
        <Alert severity="warning" title="Preview failed">
          {preview.error}
        </Alert>
      )}
      {preview.series && (
        <div data-testid={TEST_IDS.app.detectorPreviewPlot}>
          <p className={styles.muted}>
            The last {PREVIEW_POINTS} intervals, scored as this detector would score them.
          </p>
          <ScoredPlot series={preview.series} height={260} id={9001} />
        </div>
      )}
    </div>
  );
}
