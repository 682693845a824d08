import {
  applyFieldOverrides,
  getDefaultTimeRange,
  LoadingState,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import { useTheme2 } from '@grafana/ui';
import type { ScoredSeries } from '@tidemark/core';
import React, { useMemo } from 'react';
import { frameFromSeries } from '../../datasource/frames';
import { BandsPanel } from '../../panel/components/BandsPanel/BandsPanel';
import { useElementSize } from '../../panel/components/BandsPanel/useElementSize';
import { type BandsOptions, DEFAULT_OPTIONS } from '../../panel/types';

interface Props {
  series: ScoredSeries[];
  height: number;
  /** Keeps the cursors of plots drawn side by side apart. */
  id: number;
  title?: string;
  options?: Partial<BandsOptions>;
  /**
   * The Tidemark data source the series came from: with `options.markDetector` set, an Editor
   * marks from the pinned tooltip through its proxy routes, as in a dashboard panel.
   */
  datasourceUid?: string;
}

const noop = () => {};

/**
 * Scored series drawn by the bands panel itself, so the app page and dashboards draw the same way;
 * as wide as its container.
 */
export function ScoredPlot({ series, height, id, title = '', options, datasourceUid }: Props) {
  const theme = useTheme2();
  const [ref, { width: measured }] = useElementSize();
  const width = Math.floor(measured);
  const props = useMemo(() => {
    const frames = applyFieldOverrides({
      data: series.map((one) => frameFromSeries(one, 'A')),
      fieldConfig: { defaults: {}, overrides: [] },
      replaceVariables: (value: string) => value,
      theme,
      timeZone: 'browser',
    });
    const timeRange: TimeRange = getDefaultTimeRange();
    return {
      id,
      data: {
        series: frames,
        state: LoadingState.Done,
        timeRange,
        // As Grafana passes it to a panel: the request whose targets name the data source.
        request: datasourceUid
          ? { targets: [{ refId: 'A', datasource: { uid: datasourceUid } }] }
          : undefined,
      },
      timeRange,
      timeZone: 'browser',
      options: { ...DEFAULT_OPTIONS, ...options },
      fieldConfig: { defaults: {}, overrides: [] },
      width,
      height,
      transparent: true,
      renderCounter: 0,
      title,
      onOptionsChange: noop,
      onFieldConfigChange: noop,
      onChangeTimeRange: noop,
      replaceVariables: (value: string) => value,
    } as unknown as PanelProps<BandsOptions>;
  }, [series, width, height, id, title, options, theme, datasourceUid]);
  return <div ref={ref}>{width > 0 && <BandsPanel {...props} />}</div>;
}
