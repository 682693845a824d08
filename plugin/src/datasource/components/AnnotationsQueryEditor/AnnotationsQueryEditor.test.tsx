import type { DataSourceInstanceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { fakeBackend, fakeTemplateSrv } from '../../../test/fakes';
import { DataSource } from '../../datasource';
import type { TidemarkOptions, TidemarkQuery } from '../../types';
import { AnnotationsQueryEditor } from './AnnotationsQueryEditor';

const backend = fakeBackend({ 'GET /api/v1/schema/databases': { body: { values: ['telegraf'] } } });
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => backend.backend,
  getTemplateSrv: () => fakeTemplateSrv({}),
}));

const datasource = new DataSource({
  url: '/api/datasources/proxy/uid/tm',
  jsonData: {},
} as DataSourceInstanceSettings<TidemarkOptions>);

function renderEditor(query: Partial<TidemarkQuery>) {
  const onChange = jest.fn();
  render(
    <AnnotationsQueryEditor
      datasource={datasource}
      query={{ refId: 'Anno', ...query } as TidemarkQuery}
      onChange={onChange}
      onRunQuery={jest.fn()}
    />,
  );
  return onChange;
}

describe('AnnotationsQueryEditor', () => {
  it('defaults to the continuous detectors’ regions and filters by detector name', () => {
    const onChange = renderEditor({});
    const input = screen.getByTestId(TEST_IDS.annotationsEditor.detector);
    fireEvent.change(input, { target: { value: 'cpu-watch' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ annotationSource: 'detectors', annotationDetector: 'cpu-watch' }),
    );
  });

  it('switches to scoring a query and shows the query editor', () => {
    const onChange = renderEditor({});
    fireEvent.click(screen.getByText('Score a query'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ annotationSource: 'score' }));
  });

  it('shows the query editor for score-sourced annotations', () => {
    renderEditor({ annotationSource: 'score' });
    expect(screen.getByTestId(TEST_IDS.queryEditor.root)).toBeInTheDocument();
  });
});
