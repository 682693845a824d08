import {
  colorManipulator,
  type Field,
  formattedValueToString,
  type GrafanaTheme2,
  getDisplayProcessor,
} from '@grafana/data';
import uPlot, { type AlignedData, type Axis, type Options, type Series } from 'uplot';
import { alignColumn, anomalyFlags, joinTimes, type PanelSeries } from '../model';
import type { BandsOptions } from '../types';
import type { PlotColors } from './colors';

/** Where one panel series' columns sit in the main plot's uPlot series (index 0 is time). */
export interface SeriesLayout {
  value: number;
  expected?: number;
  upper?: number;
  lower?: number;
  anomalies?: number;
}

export interface PlotInput {
  series: PanelSeries[];
  options: BandsOptions;
  theme: GrafanaTheme2;
  colors: PlotColors;
  width: number;
  height: number;
  timeZone: string;
  syncKey: string;
  /** Called with [from, to] in ms when the user drags across the plot. */
  onZoom?: (from: number, to: number) => void;
}

export interface BuiltPlot {
  opts: Options;
  data: AlignedData;
}

const NO_PATH: Series['paths'] = () => null;

function axisStyle(theme: GrafanaTheme2, colors: PlotColors): Partial<Axis> {
  return {
    stroke: colors.axis,
    font: `12px ${theme.typography.fontFamily}`,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1, size: 4 },
  };
}

/** uPlot measures time in seconds unless told otherwise; Grafana's time zone decides the labels. */
function timeOptions(timeZone: string): Pick<Options, 'ms' | 'tzDate'> {
  const zone = timeZone === 'utc' ? 'Etc/UTC' : timeZone === 'browser' || !timeZone ? undefined : timeZone;
  return { ms: 1, ...(zone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts), zone) } : {}) };
}

function formatter(field: Field, theme: GrafanaTheme2) {
  const display = field.display ?? getDisplayProcessor({ field, theme });
  return (value: number) => formattedValueToString(display(value));
}

function zoomHook(onZoom: PlotInput['onZoom']): Options['hooks'] {
  if (!onZoom) return {};
  return {
    setSelect: [
      (u) => {
        if (u.select.width < 2) return;
        const from = u.posToVal(u.select.left, 'x');
        const to = u.posToVal(u.select.left + u.select.width, 'x');
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        onZoom(from, to);
      },
    ],
  };
}

/** The value plot: band (uPlot's native bands), expected line, value line, anomaly points, shaded regions. */
export function buildMainPlot(input: PlotInput, showXAxis: boolean): BuiltPlot & { layout: SeriesLayout[] } {
  const { series, options, theme, colors } = input;
  const times = joinTimes(series);
  const data: Array<Array<number | null>> = [times];
  const uSeries: Series[] = [{}];
  const bands: NonNullable<Options['bands']> = [];
  const layout: SeriesLayout[] = [];
  const push = (column: Array<number | null>, config: Series) => {
    data.push(column);
    uSeries.push(config);
    return uSeries.length - 1;
  };

  series.forEach((s, index) => {
    const color = colors.series[index]!;
    const align = (column: Array<number | null>) => alignColumn(s, column, times);
    const entry: Partial<SeriesLayout> = {};
    if (s.upper && s.lower) {
      entry.upper = push(align(s.upper), {
        label: `${s.title} upper`,
        stroke: color.band,
        width: 0,
        points: { show: false },
      });
      entry.lower = push(align(s.lower), {
        label: `${s.title} lower`,
        stroke: color.band,
        width: 0,
        points: { show: false },
      });
      bands.push({ series: [entry.upper, entry.lower], fill: color.band });
    }
    if (s.expected && options.showExpected) {
      entry.expected = push(align(s.expected), {
        label: `${s.title} expected`,
        stroke: color.expected,
        width: 1,
        dash: [6, 4],
        points: { show: false },
      });
    }
    entry.value = push(align(s.value), {
      label: s.title,
      stroke: color.line,
      width: 1.5,
      points: { show: false },
    });
    const flags = anomalyFlags(s, options.threshold ?? s.threshold);
    if (flags.some(Boolean)) {
      const marked = s.value.map((v, i) => (flags[i] ? v : null));
      entry.anomalies = push(align(marked), {
        label: `${s.title} anomalies`,
        stroke: colors.anomaly,
        paths: NO_PATH,
        points: { show: true, size: 9, width: 1.5, fill: colors.anomaly, stroke: colors.background },
      });
    }
    layout.push(entry as SeriesLayout);
  });

  const format = series[0] ? formatter(series[0].valueField, theme) : String;
  const opts: Options = {
    width: input.width,
    height: input.height,
    ...timeOptions(input.timeZone),
    legend: { show: false },
    padding: [8, 8, showXAxis ? 0 : 4, 0],
    cursor: {
      sync: { key: input.syncKey, setSeries: false },
      points: { size: 7, width: 1.5 },
      drag: { x: true, y: false, setScale: false },
    },
    scales: { x: { time: true } },
    series: uSeries,
    bands,
    axes: [
      { ...axisStyle(theme, input.colors), show: showXAxis, size: showXAxis ? 44 : 0 },
      { ...axisStyle(theme, input.colors), size: 60, values: (_u, splits) => splits.map((v) => format(v)) },
    ],
    hooks: {
      ...zoomHook(input.onZoom),
      drawClear: options.showRegions ? [(u) => drawRegions(u, series, colors.region)] : [],
    },
  };
  return { opts, data: data as AlignedData, layout };
}

/** The score track: 0–100 per series, the threshold dashed, everything above it tinted. */
export function buildScorePlot(input: PlotInput): BuiltPlot {
  const { series, options, theme, colors } = input;
  const times = joinTimes(series);
  const scored = series.map((s, index) => ({ s, index })).filter(({ s }) => s.score);
  const threshold = options.threshold ?? scored[0]?.s.threshold ?? 70;
  const data: Array<Array<number | null>> = [times];
  const uSeries: Series[] = [{}];
  for (const { s, index } of scored) {
    const stroke = scored.length > 1 ? colors.series[index]!.line : colors.score;
    data.push(alignColumn(s, s.score!, times));
    uSeries.push({
      label: `${s.title} score`,
      scale: 'score',
      stroke,
      width: 1,
      fill: scored.length > 1 ? undefined : colorManipulator.alpha(stroke, 0.2),
      points: { show: false },
    });
  }
  const opts: Options = {
    width: input.width,
    height: input.height,
    ...timeOptions(input.timeZone),
    legend: { show: false },
    padding: [10, 8, 0, 0],
    cursor: {
      sync: { key: input.syncKey, setSeries: false },
      points: { size: 5 },
      drag: { x: true, y: false, setScale: false },
    },
    scales: { x: { time: true }, score: { auto: false, range: [0, 100] } },
    series: uSeries,
    axes: [
      { ...axisStyle(theme, colors), size: 44 },
      {
        ...axisStyle(theme, colors),
        scale: 'score',
        size: 60,
        splits: () => [0, threshold, 100],
        values: (_u, splits) => splits.map((v) => (v === threshold ? `${v} ⚑` : String(v))),
        label: 'score',
        labelSize: 14,
        labelFont: `11px ${theme.typography.fontFamily}`,
      },
    ],
    hooks: {
      ...zoomHook(input.onZoom),
      draw: [(u) => drawThreshold(u, threshold, colors.threshold)],
    },
  };
  return { opts, data: data as AlignedData };
}

function drawRegions(u: uPlot, series: PanelSeries[], fill: string) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.fillStyle = fill;
  for (const s of series) {
    for (const region of s.regions) {
      const left = u.valToPos(region.start, 'x', true);
      const right = u.valToPos(region.end, 'x', true);
      const x0 = Math.max(bbox.left, left);
      const x1 = Math.min(bbox.left + bbox.width, right);
      // A one-point region still gets a visible sliver.
      if (x1 >= x0) ctx.fillRect(x0 - 2, bbox.top, x1 - x0 + 4, bbox.height);
    }
  }
  ctx.restore();
}

function drawThreshold(u: uPlot, threshold: number, stroke: string) {
  const { ctx, bbox } = u;
  // Half-pixel offset keeps a 1 px line crisp instead of two blurred rows.
  const y = Math.round(u.valToPos(threshold, 'score', true)) + 0.5;
  ctx.save();
  ctx.strokeStyle = stroke;
  ctx.lineWidth = Math.max(1, uPlot.pxRatio);
  ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
  ctx.beginPath();
  ctx.moveTo(bbox.left, y);
  ctx.lineTo(bbox.left + bbox.width, y);
  ctx.stroke();
  ctx.restore();
}
