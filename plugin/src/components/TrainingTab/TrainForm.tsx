import { Button, InlineField, InlineFieldRow, Input, Stack, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';
import { TEST_IDS } from '../../constants/tests';
import { QueryEditor } from '../../datasource/components/QueryEditor/QueryEditor';
import type { TidemarkQuery } from '../../datasource/types';
import { durationMs, NEW_DRAFT, seriesAndDetector } from '../DetectorForm/definition';
import type { TabProps } from '../ModelsPage/context';
import { getSharedStyles } from '../shared.styles';

/** Trains one model per series of a query on its recent history (Editor). */
export function TrainForm({ datasource, action }: Pick<TabProps, 'datasource' | 'action'>) {
  const styles = useStyles2(getSharedStyles);
  const [query, setQuery] = useState<TidemarkQuery>({ ...NEW_DRAFT.query, refId: 'train', detector: 'lstm' });
  const [history, setHistory] = useState('7d');
  const [interval, setInterval] = useState('1m');
  const historyMs = durationMs(history);
  const intervalMs = durationMs(interval);

  const train = () =>
    action.run('Training', () => {
      const to = Date.now();
      return datasource.client.train({
        ...seriesAndDetector(query),
        range: { from: to - historyMs!, to },
        intervalMs: intervalMs!,
      });
    });

  return (
    <div className={styles.form} data-testid={TEST_IDS.app.trainForm}>
      <h4>Train a model</h4>
      <QueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => {}} />
      <InlineFieldRow>
        <InlineField label="Learn from the last" labelWidth={20} invalid={historyMs === null} error="e.g. 7d">
          <Input
            width={12}
            value={history}
            onChange={(e) => setHistory(e.currentTarget.value)}
            data-testid={TEST_IDS.app.trainHistory}
          />
        </InlineField>
        <InlineField label="Interval" labelWidth={12} invalid={intervalMs === null} error="e.g. 1m">
          <Input width={10} value={interval} onChange={(e) => setInterval(e.currentTarget.value)} />
        </InlineField>
      </InlineFieldRow>
      <Stack gap={1}>
        <Button
          icon="play"
          onClick={train}
          disabled={historyMs === null || intervalMs === null || action.busy !== null}
          data-testid={TEST_IDS.app.trainSubmit}
        >
          Train
        </Button>
      </Stack>
    </div>
  );
}
