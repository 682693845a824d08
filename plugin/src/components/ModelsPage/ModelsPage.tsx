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
import type { ContinuousDetector, Job, ModelSummary } from '@tidemark/core';
import React, { useMemo, useState } from 'react';
import { DATASOURCE_PLUGIN_ID } from '../../constants/routes';
import { TEST_IDS } from '../../constants/tests';
import { ScorerClient } from '../../datasource/api';
import { JobProgress } from '../JobProgress/JobProgress';
import { getStyles } from './ModelsPage.styles';
import { isActiveJob, useScorerState } from './useScorerState';

const STATUS_COLORS: Record<string, BadgeColor> = {
  ready: 'green',
  succeeded: 'green',
  idle: 'green',
  running: 'blue',
  queued: 'blue',
  disabled: 'orange',
  cancelled: 'orange',
  failing: 'red',
  failed: 'red',
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
        {client && <JobsTable jobs={state.jobs} />}
        {client && <ModelsTable models={state.models} />}
        {client && <DetectorsTable detectors={state.detectors} />}
      </div>
    </PluginPage>
  );
}

function ModelsTable({ models }: { models: ModelSummary[] }) {
  const styles = useStyles2(getStyles);
  return (
    <section>
      <h3>Models</h3>
      {models.length === 0 ? (
        <p className={styles.muted}>
          No stored models yet. Train one through the scorer’s API (POST /api/v1/models).
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
                <td>{model.series}</td>
                <td>{model.detector}</td>
                <td>
                  {model.version}
                  {model.versions.length > 1 && (
                    <span className={styles.muted}> of {model.versions.length} kept</span>
                  )}
                </td>
                <td>
                  <StatusBadge status={model.status} />
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

function JobsTable({ jobs }: { jobs: Job[] }) {
  const styles = useStyles2(getStyles);
  if (jobs.length === 0) return null;
  return (
    <section>
      <h3>Training jobs</h3>
      <table className={styles.table} data-testid={TEST_IDS.app.jobs}>
        <thead>
          <tr>
            <th>Query</th>
            <th>Detector</th>
            <th>Status</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const { query } = job.request;
            const what = `${query.measurement} ${query.field}`;
            return (
              <tr key={job.id}>
                <td>{what}</td>
                <td>{job.request.detector?.id ?? 'ensemble'}</td>
                <td>
                  {isActiveJob(job) ? (
                    <JobProgress progress={job.progress} label={`Training ${what}`} />
                  ) : (
                    <StatusBadge status={job.status} />
                  )}
                  {job.message && <div className={styles.muted}>{job.message}</div>}
                </td>
                <td>{formatTime(job.startedAt ?? job.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
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
              <th>Every</th>
              <th>Status</th>
              <th>Scored until</th>
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
                <td>{detector.detector.id}</td>
                <td>{detector.schedule ?? detector.interval}</td>
                <td>
                  <StatusBadge status={detector.status} />
                  {detector.lastError && <div className={styles.muted}>{detector.lastError}</div>}
                </td>
                <td>{formatTime(detector.scoredUntil)}</td>
                <td>{formatTime(detector.lastRunAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function formatTime(value: number | null): string {
  return value === null ? '–' : new Date(value).toLocaleString();
}
