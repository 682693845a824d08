import { render, screen, waitFor } from '@testing-library/react';
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

describe('ModelsPage', () => {
  it('lists models and detectors with status, and a progress bar for a running job', async () => {
    backend = fakeBackend({
      'GET /api/v1/models': {
        body: {
          models: [
            { id: 'm1', detector: 'robust', series: 'cpu {host=a}', status: 'ready', version: 3 },
            {
              id: 'm2',
              detector: 'lstm',
              series: 'cpu {host=b}',
              status: 'training',
              job: { id: 'j1', status: 'running', progress: 0.42 },
            },
          ],
        },
      },
      'GET /api/v1/detectors': {
        body: {
          detectors: [
            {
              id: 'd1',
              name: 'cpu-watch',
              detector: { id: 'ensemble' },
              schedule: '1m',
              status: 'active',
              provisioned: true,
            },
          ],
        },
      },
    });
    render(<ModelsPage />);
    expect(await screen.findByText('cpu {host=a}')).toBeInTheDocument();
    expect(screen.getByText('ready')).toBeInTheDocument();
    const bar = screen.getByTestId(TEST_IDS.app.jobProgress);
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(screen.getByText('42%')).toBeInTheDocument();
    expect(screen.getByText('cpu-watch')).toBeInTheDocument();
    expect(screen.getByText('ensemble')).toBeInTheDocument();
    expect(screen.getByText('(provisioned)')).toBeInTheDocument();
  });

  it('shows the scorer’s error', async () => {
    backend = fakeBackend({
      'GET /api/v1/models': {
        status: 403,
        body: { type: 'x', title: 'Forbidden', status: 403, detail: 'Viewers may not list models' },
      },
      'GET /api/v1/detectors': { body: [] },
    });
    render(<ModelsPage />);
    await waitFor(() =>
      expect(screen.getByText('Forbidden: Viewers may not list models')).toBeInTheDocument(),
    );
  });
});
