import type { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { useStyles2, useTheme2 } from '@grafana/ui';
import React, { useMemo, useState } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { seriesFromFrames } from '../../model';
import { plotColors } from '../../plot/colors';
import { buildMainPlot, buildScorePlot, type PlotInput } from '../../plot/config';
import type { BandsOptions } from '../../types';
import { Legend } from '../Legend/Legend';
import { Tooltip } from '../Tooltip/Tooltip';
import { getStyles } from './BandsPanel.styles';
import { UPlotChart } from './UPlotChart';
import { useElementSize } from './useElementSize';

type Props = PanelProps<BandsOptions>;

interface CursorState {
  idx: number;
  left: number;
  top: number;
}

/** Value, expected band, anomalies and score, drawn with uPlot; any other frames draw as plain lines. */
export function BandsPanel({
  id,
  data,
  options,
  width,
  height,
  timeZone,
  fieldConfig,
  onChangeTimeRange,
}: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [cursor, setCursor] = useState<CursorState | null>(null);

  const allSeries = useMemo(() => seriesFromFrames(data.series), [data.series]);
  // Colours follow each series' place among all series, so hiding one does not recolour the others.
  const allColors = useMemo(() => plotColors(theme, allSeries, options), [theme, allSeries, options]);
  const { visible, colors } = useMemo(() => {
    const shown = allSeries.map((s) => !hidden.has(s.key));
    return {
      visible: allSeries.filter((_, i) => shown[i]),
      colors: { ...allColors, series: allColors.series.filter((_, i) => shown[i]) },
    };
  }, [allSeries, allColors, hidden]);
  const [legendRef, { height: measuredLegend }] = useElementSize();

  const legendSize = options.showLegend ? Math.min(measuredLegend, height * 0.4) : 0;
  const plotHeight = Math.max(40, Math.floor(height - legendSize));
  const hasScore = options.showScore && visible.some((s) => s.score);
  const scoreHeight = hasScore
    ? Math.round(plotHeight * (Math.min(50, Math.max(10, options.scoreHeight)) / 100))
    : 0;

  const plots = useMemo(() => {
    const input: PlotInput = {
      series: visible,
      options,
      theme,
      colors,
      width,
      height: plotHeight - scoreHeight,
      timeZone,
      syncKey: `tidemark-bands-${id}`,
      onZoom: (from, to) => onChangeTimeRange({ from, to }),
    };
    return {
      main: buildMainPlot(input, !hasScore),
      score: hasScore ? buildScorePlot({ ...input, height: scoreHeight }) : undefined,
    };
  }, [
    visible,
    options,
    theme,
    colors,
    width,
    plotHeight,
    scoreHeight,
    timeZone,
    id,
    hasScore,
    onChangeTimeRange,
  ]);

  if (allSeries.length === 0) {
    return (
      <PanelDataErrorView
        panelId={id}
        data={data}
        fieldConfig={fieldConfig}
        needsTimeField
        needsNumberField
      />
    );
  }

  const onCursor = (idx: number | null, left: number, top: number) =>
    setCursor(idx === null || left < 0 ? null : { idx, left, top });
  const times = plots.main.data[0] as number[];

  return (
    <div className={styles.root} style={{ width, height }} data-testid={TEST_IDS.panel.root}>
      <UPlotChart
        testId={TEST_IDS.panel.plot}
        opts={plots.main.opts}
        data={plots.main.data}
        onCursor={onCursor}
      />
      {plots.score && <UPlotChart opts={plots.score.opts} data={plots.score.data} onCursor={onCursor} />}
      {cursor && times[cursor.idx] !== undefined && (
        <Tooltip
          series={visible}
          colors={colors}
          time={times[cursor.idx]!}
          threshold={options.threshold}
          left={cursor.left + 60}
          top={Math.min(cursor.top, plotHeight / 2)}
          panelWidth={width}
          timeZone={timeZone}
        />
      )}
      {options.showLegend && (
        <Legend
          ref={legendRef}
          maxHeight={height * 0.4}
          series={allSeries}
          hidden={hidden}
          colors={allColors}
          threshold={options.threshold}
          onToggle={(key) =>
            setHidden((previous) => {
              const next = new Set(previous);
              next.has(key) ? next.delete(key) : next.add(key);
              return next;
            })
          }
        />
      )}
    </div>
  );
}
