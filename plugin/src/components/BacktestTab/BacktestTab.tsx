import type { SelectableValue } from '@grafana/data';
import {
  Alert,
  Button,
  InlineField,
  InlineFieldRow,
  Input,
  RadioButtonGroup,
  Select,
  Stack,
  useStyles2,
} from '@grafana/ui';
import {
  type ContinuousDetector,
  type ContinuousDetectorInput,
  type ScoredSeries,
  SENSITIVITY_THRESHOLDS,
  type Sensitivity,
} from '@tidemark/core';
import React, { useEffect, useState } from 'react';
import { TEST_IDS } from '../../constants/tests';
import { definitionOf, draftOf, durationMs } from '../DetectorForm/definition';
import { JobProgress } from '../JobProgress/JobProgress';
import type { TabProps } from '../ModelsPage/context';
import { StatusBadge } from '../ModelsPage/format';
import { ScoredPlot } from '../ScoredPlot/ScoredPlot';
import { getSharedStyles } from '../shared.styles';
import { alertsPerDay, backtestSeries, drawingIntervalMs } from './backtestPlot';
import { type BacktestRun, useBacktest } from './useBacktest';

const SENSITIVITIES: Array<SelectableValue<Sensitivity>> = (['low', 'medium', 'high'] as const).map(
  (value) => ({
    label: `${value[0]!.toUpperCase()}${value.slice(1)}`,
    value,
    description: `Flags scores ≥ ${SENSITIVITY_THRESHOLDS[value]}`,
  }),
);

/** The two backtests compared. */
const SIDES = ['left', 'right'] as const;

/** The detector's definition at another sensitivity (an explicit threshold would override it, so it goes). */
function atSensitivity(
  definition: ContinuousDetectorInput,
  sensitivity: Sensitivity,
): ContinuousDetectorInput {
  const { threshold: _ignored, ...params } = definition.detector?.params ?? {};
  return {
    ...definition,
    detector: { id: definition.detector?.id ?? 'ensemble', params: { ...params, sensitivity } },
  };
}

/**
 * Backtests a continuous detector over a past range at two sensitivities side by side: flagged
 * regions drawn on the series, alerts per day, and precision/recall against the user's marks.
 */
export function BacktestTab({ datasource, permissions, state, action }: TabProps) {
  const styles = useStyles2(getSharedStyles);
  const [detectorId, setDetectorId] = useState<string | undefined>(state.detectors[0]?.id);
  const [history, setHistory] = useState('30d');
  const [sensitivities, setSensitivities] = useState<[Sensitivity, Sensitivity]>(['medium', 'high']);
  const runs = [useBacktest(datasource.client), useBacktest(datasource.client)] as const;
  const [drawn, setDrawn] = useState<{ series?: ScoredSeries[]; error?: string }>({});
  const detector = state.detectors.find((d) => d.id === detectorId);
  const historyMs = durationMs(history);

  const run = () => {
    if (!detector || historyMs === null) return;
    const to = Date.now();
    const base = definitionOf(draftOf(detector));
    setDrawn({});
    for (const [i, one] of runs.entries()) {
      one.start({ definition: atSensitivity(base, sensitivities[i]!), range: { from: to - historyMs, to } });
    }
  };

  // Once a result is in, read the series once for drawing (both sides share it).
  const firstResult = runs.find((one) => one.backtest?.result)?.backtest;
  useEffect(() => {
    if (!firstResult?.result || drawn.series || drawn.error) return;
    const { range, intervalMs } = firstResult.result;
    const { definition } = firstResult.request;
    datasource.client
      .score({
        query: definition.query,
        range,
        intervalMs: drawingIntervalMs(range.from, range.to, intervalMs),
        detector: definition.detector,
      })
      .then(
        (response) => setDrawn({ series: response.series }),
        (error: Error) => setDrawn({ error: error.message }),
      );
  }, [firstResult, drawn, datasource]);

  if (state.detectors.length === 0) {
    return (
      <p className={styles.muted}>
        Create a continuous detector first (it may stay paused while you backtest it).
      </p>
    );
  }
  const running = runs.some((one) => one.backtest && ['queued', 'running'].includes(one.backtest.status));

  return (
    <section data-testid={TEST_IDS.app.backtest}>
      <div className={styles.form}>
        <InlineFieldRow>
          <InlineField label="Detector" labelWidth={12}>
            <Select
              width={32}
              options={state.detectors.map((d) => ({
                label: d.name ?? d.id,
                value: d.id,
                description: d.id,
              }))}
              value={detectorId}
              onChange={(option) => setDetectorId(option.value)}
            />
          </InlineField>
          <InlineField label="Over the last" labelWidth={14} invalid={historyMs === null} error="e.g. 30d">
            <Input width={10} value={history} onChange={(e) => setHistory(e.currentTarget.value)} />
          </InlineField>
        </InlineFieldRow>
        {sensitivities.map((sensitivity, i) => (
          <InlineFieldRow key={SIDES[i]}>
            <InlineField label={i === 0 ? 'Compare' : 'with'} labelWidth={12}>
              <RadioButtonGroup
                options={SENSITIVITIES}
                value={sensitivity}
                onChange={(value) =>
                  setSensitivities((previous) => (i === 0 ? [value, previous[1]] : [previous[0], value]))
                }
              />
            </InlineField>
          </InlineFieldRow>
        ))}
        {permissions.canEdit ? (
          <Button
            icon="history"
            onClick={run}
            disabled={!detector || historyMs === null || running}
            data-testid={TEST_IDS.app.backtestRun}
          >
            Run backtests
          </Button>
        ) : (
          <p className={styles.muted}>Backtests are run by Editors.</p>
        )}
      </div>
      {drawn.error && (
        <Alert severity="warning" title="Could not read the series to draw">
          {drawn.error}
        </Alert>
      )}
      <div className={styles.sideBySide}>
        {runs.map((one, i) => (
          <BacktestColumn
            key={SIDES[i]}
            index={i}
            run={one}
            sensitivity={sensitivities[i]!}
            drawn={drawn.series}
            detector={detector}
            datasourceUid={datasource.uid}
            canEdit={permissions.canEdit}
            onAdopt={(sensitivity) =>
              detector &&
              action.run(`Setting ${detector.id} to ${sensitivity} sensitivity`, () =>
                datasource.client.patchDetector(detector.id, {
                  detector: atSensitivity(definitionOf(draftOf(detector)), sensitivity).detector,
                }),
              )
            }
          />
        ))}
      </div>
    </section>
  );
}

function BacktestColumn({
  index,
  run,
  sensitivity,
  drawn,
  detector,
  datasourceUid,
  canEdit,
  onAdopt,
}: {
  index: number;
  run: BacktestRun;
  sensitivity: Sensitivity;
  drawn?: ScoredSeries[];
  detector?: ContinuousDetector;
  datasourceUid: string;
  canEdit: boolean;
  onAdopt: (sensitivity: Sensitivity) => void;
}) {
  const styles = useStyles2(getSharedStyles);
  const { backtest, error } = run;
  if (error) {
    return (
      <Alert severity="error" title="Backtest failed">
        {error}
      </Alert>
    );
  }
  if (!backtest) return null;
  const ran = backtest.request.definition.detector?.params?.sensitivity ?? sensitivity;
  const result = backtest.result;
  const current = detector?.detector.params.sensitivity ?? 'medium';
  const percent = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)}%`);
  return (
    <div className={styles.column} data-testid={TEST_IDS.app.backtestResult}>
      <h4>
        Sensitivity {ran} (flags ≥ {result?.threshold ?? SENSITIVITY_THRESHOLDS[ran]})
      </h4>
      {!result && (
        <Stack gap={1} alignItems="center">
          {['queued', 'running'].includes(backtest.status) ? (
            <>
              <JobProgress progress={backtest.progress} label={`Backtest at ${ran} sensitivity`} />
              <Button
                size="sm"
                variant="secondary"
                icon="times"
                onClick={run.cancel}
                disabled={backtest.cancelRequested}
              >
                Cancel
              </Button>
            </>
          ) : (
            <StatusBadge status={backtest.status} />
          )}
          <span className={styles.muted}>{backtest.message}</span>
        </Stack>
      )}
      {result && (
        <>
          <table className={styles.table} data-testid={TEST_IDS.app.backtestSummary}>
            <tbody>
              <tr>
                <th>Flagged regions</th>
                <td>{result.accuracy.flaggedRegions}</td>
                <th>Alerts per day</th>
                <td>{alertsPerDay(result).toFixed(1)}</td>
              </tr>
              <tr>
                <th>Precision</th>
                <td>{percent(result.accuracy.precision)}</td>
                <th>Recall</th>
                <td>{percent(result.accuracy.recall)}</td>
              </tr>
              <tr>
                <th>Marked false positives</th>
                <td>{result.accuracy.falsePositives}</td>
                <th>Missed events found</th>
                <td>
                  {result.accuracy.detectedEvents} of {result.accuracy.labelledEvents}
                </td>
              </tr>
            </tbody>
          </table>
          {drawn && (
            <ScoredPlot
              series={backtestSeries(drawn, result)}
              height={300}
              id={9100 + index}
              // A click pins a point's tooltip; an Editor marks a flagged region not an anomaly there.
              options={{ showScore: false, markDetector: detector?.id ?? '' }}
              datasourceUid={datasourceUid}
            />
          )}
          {canEdit && detector && !detector.provisioned && (
            <Button
              size="sm"
              variant={ran === current ? 'secondary' : 'primary'}
              disabled={ran === current}
              onClick={() => onAdopt(ran)}
              data-testid={TEST_IDS.app.backtestAdopt}
            >
              {ran === current ? 'The detector uses this sensitivity' : `Use ${ran} sensitivity`}
            </Button>
          )}
        </>
      )}
    </div>
  );
}
