import { render, screen, waitFor } from '@testing-library/react';
import type { ContinuousDetector, Job, ModelSummary } from '@tidemark/core';
import React from 'react';
import { TEST_IDS } from '../../constants/tests';
import { fakeBackend } from '../../test/fakes';
import { ModelsPage } from './ModelsPage';

let backend: ReturnType<typeof fakeBackend>;

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => backend.backend,
  getDataSourceSrv: () => ({ getList: () => [{ uid: 'tm', name: 'Tidemark' }] }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
  DataSourcePicker: () => <div>picker</div>,
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
  provisioned: true,
  status: 'failing',
  scoredUntil: T,
  lastRunAt: T,
  lastError: 'InfluxDB timed out',
};

describe('ModelsPage', () => {
  it('lists models, training jobs with a progress bar, and continuous detectors with status', async () => {
    backend = fakeBackend({
      'GET /api/v1/models': { body: { models: [model] } },
      'GET /api/v1/jobs': { body: { jobs: [job('running', 0.42), job('failed', 0.1)] } },
      'GET /api/v1/detectors': { body: { detectors: [detector] } },
    });
    render(<ModelsPage />);
    expect(await screen.findByText('cpu usage_user {host=a}')).toBeInTheDocument();
    expect(screen.getByText('ready')).toBeInTheDocument();
    expect(screen.getByText('of 3 kept')).toBeInTheDocument();

    const bar = screen.getByTestId(TEST_IDS.app.jobProgress);
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(screen.getByText('42%')).toBeInTheDocument();
    expect(screen.getByText('epoch 2 of 5')).toBeInTheDocument();
    expect(screen.getByText('failed')).toBeInTheDocument();

    expect(screen.getByText('CPU watch')).toBeInTheDocument();
    expect(screen.getByText('(provisioned)')).toBeInTheDocument();
    expect(screen.getByText('failing')).toBeInTheDocument();
    expect(screen.getByText('InfluxDB timed out')).toBeInTheDocument();
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
