import type { DataSourceInstanceSettings } from '@grafana/data';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { type FakeRoutes, fakeBackend, fakeTemplateSrv } from '../../../test/fakes';
import { DataSource } from '../../datasource';
import { DEFAULT_QUERY, type TidemarkOptions, type TidemarkQuery } from '../../types';
import { QueryEditor } from './QueryEditor';

// Grafana's Select menus render slowly on a loaded 2-core machine; 5 s timed out there.
jest.setTimeout(20_000);

let backend: ReturnType<typeof fakeBackend>;
const templateSrv = fakeTemplateSrv({ host: 'a' });

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => backend.backend,
  getTemplateSrv: () => templateSrv,
}));

const schema = (values: string[]) => ({ body: { values } });

const SCHEMA: FakeRoutes = {
  'GET /api/v1/schema/databases': schema(['telegraf', 'metrics']),
  'GET /api/v1/schema/measurements': schema(['cpu', 'mem']),
  'GET /api/v1/schema/fields': schema(['usage_idle', 'usage_user']),
  'GET /api/v1/schema/tag-keys': schema(['host', 'dc']),
  'GET /api/v1/schema/tag-values': schema(['a', 'b']),
};

function setup(query: Partial<TidemarkQuery>, routes: FakeRoutes = SCHEMA, jsonData: TidemarkOptions = {}) {
  backend = fakeBackend(routes);
  const datasource = new DataSource({
    url: '/api/datasources/proxy/uid/tm',
    jsonData,
  } as DataSourceInstanceSettings<TidemarkOptions>);
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(
    <QueryEditor
      datasource={datasource}
      query={{ ...DEFAULT_QUERY, refId: 'A', ...query } as TidemarkQuery}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />,
  );
  return { onChange, onRunQuery };
}

async function choose(testId: string, label: string) {
  await waitFor(() => expect(backend.requests.length).toBeGreaterThan(0));
  fireEvent.keyDown(within(screen.getByTestId(testId)), { key: 'ArrowDown' });
  fireEvent.click(await screen.findByText(label));
}

function within(element: HTMLElement): HTMLElement {
  return (element.querySelector('input') ?? element) as HTMLElement;
}

describe('QueryEditor', () => {
  it('lists databases from the scorer and offers template variables', async () => {
    setup({});
    await waitFor(() =>
      expect(backend.requests.map((r) => r.url)).toContain(
        '/api/datasources/proxy/uid/tm/scorer/api/v1/schema/databases',
      ),
    );
    fireEvent.keyDown(within(screen.getByTestId(TEST_IDS.queryEditor.database)), { key: 'ArrowDown' });
    expect(await screen.findByText('telegraf')).toBeInTheDocument();
    expect(screen.getByText('$host')).toBeInTheDocument();
  });

  it('loads measurements, fields and tag keys for the chosen database and measurement', async () => {
    setup({ database: 'telegraf', measurement: 'cpu' });
    await waitFor(() => expect(backend.requests).toHaveLength(4));
    expect(backend.requests.find((r) => r.url.endsWith('/fields'))?.params).toEqual({
      database: 'telegraf',
      measurement: 'cpu',
    });
  });

  it('runs the query when the field changes', async () => {
    const { onChange, onRunQuery } = setup({ database: 'telegraf', measurement: 'cpu' });
    await choose(TEST_IDS.queryEditor.field, 'usage_user');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ field: 'usage_user' }));
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('clears dependent choices when the database changes, without running a half-built query', async () => {
    const { onChange, onRunQuery } = setup({ database: 'telegraf', measurement: 'cpu', field: 'usage_idle' });
    await choose(TEST_IDS.queryEditor.database, 'metrics');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ database: 'metrics', measurement: '', field: '' }),
    );
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('adds a tag filter and picks the detector', async () => {
    const { onChange } = setup({ database: 'telegraf', measurement: 'cpu', field: 'usage_idle' });
    fireEvent.click(screen.getByTestId(TEST_IDS.queryEditor.addTag));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ tags: [{ key: '', operator: '=', value: '' }] }),
    );
    await choose(TEST_IDS.queryEditor.detector, 'LSTM forecaster');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ detector: 'lstm' }));
  });

  it('adds more fields: `fields` lists all, `field` stays the first', async () => {
    const { onChange } = setup({ database: 'telegraf', measurement: 'cpu', field: 'usage_idle' });
    await choose(TEST_IDS.queryEditor.moreFields, 'usage_user');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ field: 'usage_idle', fields: ['usage_idle', 'usage_user'] }),
    );
  });

  it('offers regex operators and the counter aggregations', async () => {
    const { onChange } = setup({
      database: 'telegraf',
      measurement: 'cpu',
      field: 'usage_idle',
      tags: [{ key: 'host', operator: '=', value: 'a' }],
    });
    fireEvent.keyDown(within(screen.getByText('=').closest('div')!.parentElement!), { key: 'ArrowDown' });
    fireEvent.click(await screen.findByText('=~'));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ tags: [{ key: 'host', operator: '=~', value: 'a' }] }),
    );
    await choose(TEST_IDS.queryEditor.aggregation, 'non_negative_derivative');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ aggregation: 'non_negative_derivative' }),
    );
  });

  it('commits an alias on blur', () => {
    const { onChange } = setup({ database: 'telegraf', measurement: 'cpu', field: 'usage_idle' });
    const input = screen.getByTestId(TEST_IDS.queryEditor.alias);
    fireEvent.change(input, { target: { value: '$tag_host $col' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ alias: '$tag_host $col' }));
  });

  it('commits a training window on blur and rejects a malformed one', async () => {
    const { onChange } = setup({ database: 'telegraf', measurement: 'cpu', field: 'usage_idle' });
    const input = screen.getByTestId(TEST_IDS.queryEditor.trainingWindow);
    fireEvent.change(input, { target: { value: 'a week' } });
    fireEvent.blur(input);
    expect(onChange).not.toHaveBeenCalledWith(expect.objectContaining({ trainingWindow: 'a week' }));
    fireEvent.change(input, { target: { value: '7d' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ trainingWindow: '7d' }));
  });

  it('writes a saved query of an older shape back in the current one', async () => {
    const { onChange } = setup({ tags: { host: 'a' } as never, queryVersion: undefined });
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith(
        expect.objectContaining({ queryVersion: 1, tags: [{ key: 'host', operator: '=', value: 'a' }] }),
      ),
    );
  });

  it('calls the database a bucket where the data source says InfluxDB 2.x', async () => {
    setup({}, SCHEMA, { influxVersion: '2.x', influxOrg: 'acme' });
    expect(screen.getByText('Bucket')).toBeInTheDocument();
    expect(screen.queryByText('Database')).not.toBeInTheDocument();
    await waitFor(() => expect(backend.requests.length).toBeGreaterThan(0));
  });

  it('shows a schema error from the scorer', async () => {
    setup({}, {});
    expect(await screen.findByText('Could not load the schema from the scorer')).toBeInTheDocument();
  });
});
