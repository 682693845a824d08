import type { PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { useStyles2, useTheme2 } from '@grafana/ui';
import React, { useMemo, useRef, useState } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { ScorerClient } from '../../../datasource/api';
import { currentPermissions } from '../../../roles';
import { flaggedNear, seriesFromFrames } from '../../model';
import { plotColors } from '../../plot/colors';
import { buildMainPlot, buildScorePlot, type PlotInput } from '../../plot/config';
import type { BandsOptions } from '../../types';
import { Legend } from '../Legend/Legend';
import { MarkActions } from '../MarkActions/MarkActions';
import { markAt } from '../MarkActions/markTarget';
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

/** Half the anomaly marker's size (9 px, plot/config.ts): how near a flagged point the cursor snaps. */
const MARKER_RADIUS = 5;

/**
 * The scorer client marks go through: the panel's Tidemark data source (its proxy routes), when
 * the panel names a continuous detector and the user is an Editor; else marking is off.
 */
function useMarkClient(data: Props['data'], options: BandsOptions): ScorerClient | undefined {
  const uid = data.request?.targets?.find((target) => target.datasource?.uid)?.datasource?.uid;
  return useMemo(
    () =>
      uid && options.markDetector && currentPermissions().canEdit
        ? new ScorerClient(`/api/datasources/proxy/uid/${uid}`)
        : undefined,
    [uid, options.markDetector],
  );
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
  const [pinned, setPinned] = useState<CursorState | null>(null);
  const pressedAt = useRef<{ x: number; y: number } | null>(null);
  const markClient = useMarkClient(data, options);

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

  const times = plots.main.data[0] as number[];
  // Where points are denser than pixels, the cursor snaps to a flagged point under it (within the
  // anomaly marker's radius), so a one-point anomaly can be hovered, pinned and marked.
  const onCursor = (idx: number | null, left: number, top: number, timeAt: (left: number) => number) =>
    setCursor(
      idx === null || left < 0
        ? null
        : {
            idx: flaggedNear(
              visible,
              times,
              idx,
              timeAt(left - MARKER_RADIUS),
              timeAt(left + MARKER_RADIUS),
              options.threshold,
            ),
            left,
            top,
          },
    );
  // A click (not the end of a drag-to-zoom) pins the tooltip where the cursor is, or unpins it.
  const onPress = (event: React.MouseEvent) => {
    pressedAt.current = { x: event.clientX, y: event.clientY };
  };
  const onClick = (event: React.MouseEvent) => {
    const start = pressedAt.current;
    if (start && Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y) > 4) return;
    setPinned(pinned || !cursor ? null : cursor);
  };
  const shown = pinned ?? cursor;

  return (
    <div className={styles.root} style={{ width, height }} data-testid={TEST_IDS.panel.root}>
      <div onMouseDownCapture={onPress} onClickCapture={onClick}>
        <UPlotChart
          testId={TEST_IDS.panel.plot}
          opts={plots.main.opts}
          data={plots.main.data}
          onCursor={onCursor}
        />
      </div>
      {plots.score && <UPlotChart opts={plots.score.opts} data={plots.score.data} onCursor={onCursor} />}
      {shown && times[shown.idx] !== undefined && (
        <Tooltip
          series={visible}
          colors={colors}
          time={times[shown.idx]!}
          threshold={options.threshold}
          left={shown.left + 60}
          top={Math.min(shown.top, plotHeight / 2)}
          panelWidth={width}
          timeZone={timeZone}
          onClose={pinned ? () => setPinned(null) : undefined}
          actions={
            pinned && markClient
              ? (series) => {
                  const target = markAt(series, times[pinned.idx]!, options.threshold, options.markDetector);
                  return (
                    target && (
                      <MarkActions key={`${series.key}:${target.from}`} target={target} client={markClient} />
                    )
                  );
                }
              : undefined
          }
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
