import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ContinuousDetector, Job, ModelSummary } from '@tidemark/core';
import React from 'react';
import { TEST_IDS } from '../../constants/tests';
import { fakeBackend } from '../../test/fakes';
import { ModelsPage } from './ModelsPage';

let backend: ReturnType<typeof fakeBackend>;
let orgRole = 'Viewer';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => backend.backend,
  getDataSourceSrv: () => ({ getList: () => [{ uid: 'tm', name: 'Tidemark' }] }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
  DataSourcePicker: () => <div>picker</div>,
  getTemplateSrv: () => ({ getVariables: () => [], replace: (text: string) => text }),
  config: {
    bootData: {
      user: {
        get orgRole() {
          return orgRole;
        },
      },
    },
  },
}));

const query = {
  database: 'telegraf',
  measurement: 'cpu',
  field: 'usage_user',
  tags: [],
  groupBy: [],
  aggregation: 'mean' as const,
};
const T = Date.UTC(2026, 0, 1);

const model: ModelSummary = {
  id: 'm1',
  detector: 'robust',
  series: 'cpu usage_user {host=a}',
  tags: { host: 'a' },
  query,
  intervalMs: 60_000,
  status: 'ready',
  version: 3,
  trainedAt: T,
  createdAt: T,
  versions: [1, 2, 3].map((version) => ({
    version,
    createdAt: T,
    createdBy: null,
    sizeBytes: 100,
    trainedFrom: null,
    trainedTo: null,
    trainedPoints: null,
  })),
};

const job = (status: Job['status'], progress: number): Job => ({
  id: `j-${status}`,
  kind: 'train',
  status,
  progress,
  message: status === 'running' ? 'epoch 2 of 5' : '',
  fit: status === 'running' ? { epoch: 2, epochs: 5, loss: 0.01234, etaMs: 12_000 } : null,
  createdAt: T,
  startedAt: T,
  finishedAt: null,
  createdBy: 'user:1',
  models: [],
  request: {
    query,
    range: { from: T - 86_400_000, to: T },
    intervalMs: 60_000,
    detector: { id: 'lstm', params: {} },
  },
});

const detector: ContinuousDetector = {
  id: 'cpu-watch',
  name: 'CPU watch',
  query,
  interval: '1m',
  lag: '30s',
  maxBackfill: '7d',
  detector: { id: 'ensemble', params: {} },
  output: { measurement: 'tidemark_anomaly' },
  enabled: true,
  provisioned: false,
  status: 'failing',
  scoredUntil: T,
  lastRunAt: T,
  lastError: 'InfluxDB timed out',
};

const routes = () => ({
  'GET /api/v1/models': { body: { models: [model] } },
  'GET /api/v1/jobs': { body: { jobs: [job('running', 0.42), job('failed', 0.1)] } },
  'GET /api/v1/detectors': {
    body: { detectors: [detector, { ...detector, id: 'file', name: 'From file', provisioned: true }] },
  },
  'POST /api/v1/detectors/cpu-watch/pause': { body: { ...detector, enabled: false, status: 'disabled' } },
  'POST /api/v1/jobs/j-running/cancel': { body: { ...job('running', 0.42), cancelRequested: true } },
  'DELETE /api/v1/detectors/cpu-watch': { status: 204, body: undefined },
  'POST /api/v1/models/m1/rollback': { body: { ...model, version: 2 } },
});

const openTraining = () => fireEvent.click(screen.getByText('Models and training'));
const writes = () => backend.requests.filter((r) => r.method !== 'GET');

// Rendering Grafana's components is slow on a busy machine; this is no speed check.
jest.setTimeout(30_000);

describe('ModelsPage', () => {
  beforeEach(() => {
    backend = fakeBackend(routes());
  });

  it('shows a Viewer the detectors, models and jobs, and no action at all', async () => {
    orgRole = 'Viewer';
    render(<ModelsPage />);
    expect(await screen.findByText('CPU watch')).toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.app.role)).toHaveTextContent('Signed in as Viewer: read only');
    expect(screen.getByText('(provisioned)')).toBeInTheDocument();
    expect(screen.getAllByText('failing')).toHaveLength(2);
    expect(screen.getAllByText('InfluxDB timed out')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: /New detector|Edit|Pause|Delete/ })).toBeNull();

    openTraining();
    expect(await screen.findByText('cpu usage_user {host=a}')).toBeInTheDocument();
    expect(screen.getByText('of 3 kept')).toBeInTheDocument();
    const bar = screen.getByTestId(TEST_IDS.app.jobProgress);
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(screen.getByText('42%')).toBeInTheDocument();
    expect(screen.getByText('epoch 2 of 5')).toBeInTheDocument();
    // The job's fit fields, as GET /api/v1/jobs returns them, under the bar.
    expect(screen.getByTestId(TEST_IDS.app.jobFit)).toHaveTextContent(
      'Epoch 2/5 · loss 0.0123 · about 12 s left',
    );
    expect(screen.getByText('failed')).toBeInTheDocument();
    expect(screen.queryByTestId(TEST_IDS.app.trainForm)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show versions' }));
    expect(within(screen.getByTestId(TEST_IDS.app.versions)).getByText('(current)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Roll back|Delete/ })).toBeNull();
    expect(writes()).toEqual([]);
  });

  it('lets an Editor pause a detector, cancel a training job and roll back, not delete', async () => {
    orgRole = 'Editor';
    render(<ModelsPage />);
    const row = (await screen.findByText('CPU watch')).closest('tr')!;
    // Provisioned detectors are read-only: only the API-defined one has buttons.
    expect(screen.getAllByRole('button', { name: 'Pause' })).toHaveLength(1);
    expect(screen.queryByRole('button', { name: /Delete/ })).toBeNull();
    fireEvent.click(within(row as HTMLElement).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(writes()).toHaveLength(1));
    expect(writes()[0]).toMatchObject({
      method: 'POST',
      url: expect.stringMatching(/\/detectors\/cpu-watch\/pause$/),
    });

    openTraining();
    expect(await screen.findByTestId(TEST_IDS.app.trainForm)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Show versions' }));
    expect(screen.queryByRole('button', { name: 'Roll back to v3' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    await waitFor(() => expect(writes()).toHaveLength(2));
    expect(writes()[1]).toMatchObject({ method: 'POST', data: { version: 1 } });
    // Only the running job can be cancelled.
    expect(screen.getAllByRole('button', { name: 'Cancel' })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(writes()).toHaveLength(3));
    expect(writes()[2]).toMatchObject({
      method: 'POST',
      url: expect.stringMatching(/\/jobs\/j-running\/cancel$/),
    });
    expect(screen.queryByRole('button', { name: /Delete/ })).toBeNull();
  });

  it('lets an Admin delete a detector after confirming', async () => {
    orgRole = 'Admin';
    render(<ModelsPage />);
    const row = (await screen.findByText('CPU watch')).closest('tr') as HTMLElement;
    fireEvent.click(within(row).getByRole('button', { name: /Delete/ }));
    expect(writes()).toEqual([]);
    fireEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(writes()).toHaveLength(1));
    expect(writes()[0]).toMatchObject({
      method: 'DELETE',
      url: expect.stringMatching(/\/detectors\/cpu-watch$/),
    });
  });

  it('shows the scorer’s refusal of an action', async () => {
    orgRole = 'Editor';
    backend = fakeBackend({
      ...routes(),
      'POST /api/v1/detectors/cpu-watch/pause': {
        status: 400,
        body: { type: 'x', title: 'Invalid request', status: 400, detail: 'interval: too short' },
      },
    });
    render(<ModelsPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(await screen.findByTestId(TEST_IDS.app.actionError)).toHaveTextContent(
      'Pausing cpu-watch: Invalid request: interval: too short',
    );
  });

  it('shows the scorer’s error', async () => {
    backend = fakeBackend({
      'GET /api/v1/models': {
        status: 403,
        body: { type: 'x', title: 'Forbidden', status: 403, detail: 'Viewers may not list models' },
      },
      'GET /api/v1/jobs': { body: { jobs: [] } },
      'GET /api/v1/detectors': { body: { detectors: [] } },
    });
    render(<ModelsPage />);
    await waitFor(() =>
      expect(screen.getByText('Forbidden: Viewers may not list models')).toBeInTheDocument(),
    );
  });
});
