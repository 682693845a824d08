import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';
import type { PanelSeries } from '../model';
import type { BandsOptions } from '../types';

export interface SeriesColors {
  line: string;
  expected: string;
  band: string;
}

export interface PlotColors {
  series: SeriesColors[];
  anomaly: string;
  region: string;
  score: string;
  axis: string;
  grid: string;
  threshold: string;
  background: string;
}

/** Resolves every colour the plots use from the theme, so dark and light both read well. */
export function plotColors(theme: GrafanaTheme2, series: PanelSeries[], options: BandsOptions): PlotColors {
  const byName = (name: string) => theme.visualization.getColorByName(name);
  const palette = theme.visualization.palette;
  const anomaly = byName(options.anomalyColor || 'red');
  const bandAlpha = Math.min(100, Math.max(0, options.bandOpacity)) / 100;
  return {
    series: series.map((s, index) => {
      const line = byName(s.fixedColor ?? palette[index % palette.length] ?? 'green');
      const band = byName(options.bandColor || line);
      return {
        line,
        expected: colorManipulator.alpha(line, 0.8),
        band: colorManipulator.alpha(band, bandAlpha),
      };
    }),
    anomaly,
    region: colorManipulator.alpha(anomaly, theme.isDark ? 0.14 : 0.1),
    score: byName(options.scoreColor || 'orange'),
    axis: theme.colors.text.secondary,
    grid: theme.colors.border.weak,
    threshold: anomaly,
    background: theme.colors.background.primary,
  };
}
