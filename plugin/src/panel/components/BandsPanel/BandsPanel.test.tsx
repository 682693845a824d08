import {
  createDataFrame,
  FieldType,
  getDefaultTimeRange,
  LoadingState,
  type PanelProps,
} from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { framesFromResponse } from '../../../datasource/frames';
import { scoredSeries, scoreResponse } from '../../../test/scoreResponse';
import { type BandsOptions, DEFAULT_OPTIONS } from '../../types';
import { BandsPanel } from './BandsPanel';

// jsdom has no canvas: record what uPlot is given instead (the browser tests check the drawing).
const plots: Array<{ opts: { series: Array<{ label?: string }>; bands?: unknown[] } }> = [];
jest.mock('uplot', () => {
  const uPlot = jest.fn().mockImplementation((opts) => {
    plots.push({ opts });
    return { destroy: jest.fn(), setSize: jest.fn() };
  });
  return Object.assign(uPlot, { tzDate: (d: Date) => d, pxRatio: 1, default: uPlot });
});

function props(
  series: PanelProps['data']['series'],
  options: Partial<BandsOptions> = {},
): PanelProps<BandsOptions> {
  return {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange: getDefaultTimeRange() },
    options: { ...DEFAULT_OPTIONS, ...options },
    width: 800,
    height: 400,
    timeZone: 'utc',
    fieldConfig: { defaults: {}, overrides: [] },
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<BandsOptions>;
}

beforeEach(() => {
  plots.length = 0;
});

describe('BandsPanel', () => {
  it('renders Grafana’s data error view when there is nothing to draw', () => {
    render(<BandsPanel {...props([])} />);
    expect(screen.getByText(/Unable to render data/)).toBeInTheDocument();
    expect(plots).toHaveLength(0);
  });

  it('draws value, band and anomalies in one plot and the score in another', () => {
    render(<BandsPanel {...props(framesFromResponse(scoreResponse(), 'A'))} />);
    expect(plots).toHaveLength(2);
    const labels = plots[0]!.opts.series.map((s) => s.label);
    expect(labels).toEqual([
      undefined,
      'cpu usage_idle {host=a} upper',
      'cpu usage_idle {host=a} lower',
      'cpu usage_idle {host=a} expected',
      'cpu usage_idle {host=a}',
      'cpu usage_idle {host=a} anomalies',
    ]);
    expect(plots[0]!.opts.bands).toHaveLength(1);
    expect(plots[1]!.opts.series.map((s) => s.label)).toEqual([undefined, 'cpu usage_idle {host=a} score']);
  });

  it('drops the score track when it is switched off', () => {
    render(<BandsPanel {...props(framesFromResponse(scoreResponse(), 'A'), { showScore: false })} />);
    expect(plots).toHaveLength(1);
  });

  it('draws a frame from another data source as a plain line', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2, 3] },
        { name: 'mean', type: FieldType.number, values: [1, 2, 3] },
      ],
    });
    render(<BandsPanel {...props([frame])} />);
    expect(plots).toHaveLength(1);
    expect(plots[0]!.opts.series.map((s) => s.label)).toEqual([undefined, 'mean']);
    expect(plots[0]!.opts.bands).toEqual([]);
  });

  it('lists every series in the legend with its anomaly count, and hides a series on click', () => {
    const frames = framesFromResponse(
      scoreResponse([scoredSeries(), scoredSeries({ tags: { host: 'b' } })]),
      'A',
    );
    render(<BandsPanel {...props(frames)} />);
    const items = screen.getAllByTestId(TEST_IDS.panel.legendItem);
    expect(items.map((item) => item.textContent)).toEqual([
      'cpu usage_idle {host=a}1 anomaly · robust',
      'cpu usage_idle {host=b}1 anomaly · robust',
    ]);
    plots.length = 0;
    fireEvent.click(items[1]!);
    expect(items[1]).toHaveAttribute('aria-pressed', 'false');
    expect(plots[0]!.opts.series.filter((s) => s.label?.includes('host=b'))).toEqual([]);
  });
});
