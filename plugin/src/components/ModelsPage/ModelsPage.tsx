import type { DataSourceInstanceSettings } from '@grafana/data';
import { DataSourcePicker, getDataSourceSrv, PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  type BadgeColor,
  Button,
  EmptyState,
  LoadingPlaceholder,
  useStyles2,
} from '@grafana/ui';
import React, { useMemo, useState } from 'react';
import { DATASOURCE_PLUGIN_ID } from '../../constants/routes';
import { TEST_IDS } from '../../constants/tests';
import { type ContinuousDetector, type Model, ScorerClient } from '../../datasource/api';
import { JobProgress } from '../JobProgress/JobProgress';
import { getStyles } from './ModelsPage.styles';
import { isRunning, useScorerState } from './useScorerState';

const STATUS_COLORS: Record<string, BadgeColor> = {
  ready: 'green',
  active: 'green',
  running: 'blue',
  training: 'blue',
  queued: 'blue',
  pending: 'blue',
  paused: 'orange',
  disabled: 'orange',
  failed: 'red',
  error: 'red',
};

export function StatusBadge({ status }: { status?: string }) {
  if (!status) return <span>–</span>;
  return <Badge text={status} color={STATUS_COLORS[status] ?? 'purple'} />;
}

/** The org's trained models and continuous detectors, read through a Tidemark data source's proxy. */
export function ModelsPage() {
  const styles = useStyles2(getStyles);
  const [uid, setUid] = useState<string | undefined>(
    () => getDataSourceSrv().getList({ pluginId: DATASOURCE_PLUGIN_ID })[0]?.uid,
  );
  const client = useMemo(
    () => (uid ? new ScorerClient(`/api/datasources/proxy/uid/${uid}`) : undefined),
    [uid],
  );
  const state = useScorerState(client);

  return (
    <PluginPage>
      <div data-testid={TEST_IDS.app.page}>
        <div className={styles.toolbar}>
          <div data-testid={TEST_IDS.app.datasourcePicker}>
            <DataSourcePicker
              pluginId={DATASOURCE_PLUGIN_ID}
              current={uid ?? null}
              width={32}
              noDefault
              onChange={(settings: DataSourceInstanceSettings) => setUid(settings.uid)}
            />
          </div>
          <Button variant="secondary" icon="sync" onClick={state.reload} disabled={!client}>
            Refresh
          </Button>
        </div>
        {!client && (
          <EmptyState variant="call-to-action" message="Add a Tidemark Anomaly data source first">
            Models and continuous detectors live in the scorer; this page reads them through a data source.
          </EmptyState>
        )}
        {state.error && (
          <Alert severity="error" title="Could not read from the scorer">
            {state.error}
          </Alert>
        )}
        {client && state.loading && state.models.length === 0 && <LoadingPlaceholder text="Loading…" />}
        {client && <ModelsTable models={state.models} />}
        {client && <DetectorsTable detectors={state.detectors} />}
      </div>
    </PluginPage>
  );
}

function ModelsTable({ models }: { models: Model[] }) {
  const styles = useStyles2(getStyles);
  return (
    <section>
      <h3>Models</h3>
      {models.length === 0 ? (
        <p className={styles.muted}>
          No trained models yet: scoring a panel trains the cheap detectors inline.
        </p>
      ) : (
        <table className={styles.table} data-testid={TEST_IDS.app.models}>
          <thead>
            <tr>
              <th>Series</th>
              <th>Detector</th>
              <th>Version</th>
              <th>Status</th>
              <th>Trained</th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.id}>
                <td>{model.series ?? model.id}</td>
                <td>{model.detector}</td>
                <td>{model.version ?? '–'}</td>
                <td>
                  {isRunning(model.status) || isRunning(model.job?.status) ? (
                    <JobProgress
                      progress={model.job?.progress ?? 0}
                      label={`Training ${model.series ?? model.id}`}
                    />
                  ) : (
                    <StatusBadge status={model.status} />
                  )}
                </td>
                <td>{formatTime(model.trainedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DetectorsTable({ detectors }: { detectors: ContinuousDetector[] }) {
  const styles = useStyles2(getStyles);
  return (
    <section>
      <h3>Continuous detectors</h3>
      {detectors.length === 0 ? (
        <p className={styles.muted}>
          No continuous detectors. Define them in the scorer’s detectors file or its API.
        </p>
      ) : (
        <table className={styles.table} data-testid={TEST_IDS.app.detectors}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Detector</th>
              <th>Schedule</th>
              <th>Status</th>
              <th>Last run</th>
            </tr>
          </thead>
          <tbody>
            {detectors.map((detector) => (
              <tr key={detector.id}>
                <td>
                  {detector.name ?? detector.id}
                  {detector.provisioned && <span className={styles.muted}> (provisioned)</span>}
                </td>
                <td>
                  {typeof detector.detector === 'object' ? detector.detector.id : (detector.detector ?? '–')}
                </td>
                <td>{detector.schedule ?? '–'}</td>
                <td>
                  {isRunning(detector.job?.status) ? (
                    <JobProgress
                      progress={detector.job?.progress ?? 0}
                      label={`Training ${detector.name ?? detector.id}`}
                    />
                  ) : (
                    <StatusBadge status={detector.status} />
                  )}
                  {detector.lastError && <div className={styles.muted}>{detector.lastError}</div>}
                </td>
                <td>{formatTime(detector.lastRunAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function formatTime(value?: string | number): string {
  if (value === undefined) return '–';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
