import type { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { TidemarkOptions, TidemarkSecureOptions } from '../../types';
import { ConfigEditor } from './ConfigEditor';

function settings(overrides: Partial<DataSourceSettings<TidemarkOptions, TidemarkSecureOptions>> = {}) {
  return {
    id: 1,
    uid: 'tm',
    name: 'Tidemark',
    jsonData: { scorerUrl: 'http://scorer:8080' },
    secureJsonFields: {},
    secureJsonData: {},
    ...overrides,
  } as DataSourceSettings<TidemarkOptions, TidemarkSecureOptions>;
}

describe('ConfigEditor', () => {
  it('stores the scorer URL in jsonData', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(TEST_IDS.configEditor.scorerUrl), {
      target: { value: ' http://tm:9000 ' },
    });
    expect(onOptionsChange).toHaveBeenCalledWith(
      expect.objectContaining({ jsonData: { scorerUrl: 'http://tm:9000' } }),
    );
  });

  it('stores the token only in secureJsonData', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(TEST_IDS.configEditor.token), { target: { value: 's3cret' } });
    const saved = onOptionsChange.mock.calls[0][0];
    expect(saved.secureJsonData).toEqual({ token: 's3cret' });
    expect(JSON.stringify(saved.jsonData)).not.toContain('s3cret');
  });

  it('shows a configured token as set, and reset clears it', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor
        options={settings({ secureJsonFields: { token: true } })}
        onOptionsChange={onOptionsChange}
      />,
    );
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(onOptionsChange).toHaveBeenCalledWith(
      expect.objectContaining({ secureJsonFields: { token: false }, secureJsonData: { token: '' } }),
    );
  });

  it('flags a URL without a scheme', () => {
    render(
      <ConfigEditor
        options={settings({ jsonData: { scorerUrl: 'scorer:8080' } })}
        onOptionsChange={jest.fn()}
      />,
    );
    expect(screen.getByText('Use an http:// or https:// URL')).toBeInTheDocument();
  });

  it('names 2.x buckets, their org and DBRP mappings; stores version and org in jsonData, no InfluxDB secret', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    expect(screen.getByTestId(TEST_IDS.configEditor.influxHelp)).toHaveTextContent(/INFLUX_USERNAME/);
    fireEvent.click(screen.getByLabelText('2.x'));
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { scorerUrl: 'http://scorer:8080', influxVersion: '2.x' } }),
    );
    rerender(
      <ConfigEditor
        options={settings({ jsonData: { scorerUrl: 'http://scorer:8080', influxVersion: '2.x' } })}
        onOptionsChange={onOptionsChange}
      />,
    );
    fireEvent.change(screen.getByTestId(TEST_IDS.configEditor.influxOrg), { target: { value: ' acme ' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: expect.objectContaining({ influxOrg: 'acme' }) }),
    );
    rerender(
      <ConfigEditor
        options={settings({ jsonData: { scorerUrl: 'http://s', influxVersion: '2.x', influxOrg: 'acme' } })}
        onOptionsChange={onOptionsChange}
      />,
    );
    const help = screen.getByTestId(TEST_IDS.configEditor.influxHelp);
    expect(help).toHaveTextContent(/Buckets of org acme .* v1 compatibility API/);
    expect(help).toHaveTextContent(/influx v1 dbrp create/);
    expect(help).toHaveTextContent(/INFLUX_TOKEN/);
    for (const [options] of onOptionsChange.mock.calls) expect(options.secureJsonData).toEqual({});
  });

  it('3.x: a database is the bucket name, read through the v1 query API', () => {
    render(
      <ConfigEditor
        options={settings({ jsonData: { scorerUrl: 'http://s', influxVersion: '3.x' } })}
        onOptionsChange={jest.fn()}
      />,
    );
    expect(screen.queryByTestId(TEST_IDS.configEditor.influxOrg)).not.toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.configEditor.influxHelp)).toHaveTextContent(
      /database \(bucket\) name.*v1 query API/,
    );
  });
});
