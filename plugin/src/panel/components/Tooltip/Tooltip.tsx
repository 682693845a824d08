import { dateTimeFormat, formattedValueToString, getDisplayProcessor } from '@grafana/data';
import { IconButton, useStyles2, useTheme2 } from '@grafana/ui';
import React, { type ReactNode } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { anomalyFlags, type PanelSeries, regionAt } from '../../model';
import type { PlotColors } from '../../plot/colors';
import { getStyles } from './Tooltip.styles';

interface Props {
  series: PanelSeries[];
  colors: PlotColors;
  time: number;
  threshold?: number;
  left: number;
  top: number;
  panelWidth: number;
  timeZone: string;
  /** Pinned by a click: it stays, takes the pointer and shows `actions`. */
  onClose?: () => void;
  /** What a pinned tooltip offers for one series at `time` (marking). */
  actions?: (series: PanelSeries) => ReactNode;
}

const WIDTH = 300;

/** What each series shows at the hovered time, and for anomalies why: expected range, σ, score, detector. */
export function Tooltip({
  series,
  colors,
  time,
  threshold,
  left,
  top,
  panelWidth,
  timeZone,
  onClose,
  actions,
}: Props) {
  const styles = useStyles2(getStyles);
  const x = left + WIDTH + 16 > panelWidth ? Math.max(0, left - WIDTH - 16) : left + 16;
  return (
    <div
      className={styles.tooltip}
      style={{ left: x, top: top + 8, width: WIDTH, pointerEvents: onClose ? 'auto' : 'none' }}
      data-testid={TEST_IDS.panel.tooltip}
    >
      <div className={styles.time}>
        <span>{dateTimeFormat(time, { timeZone })}</span>
        {onClose && (
          <IconButton
            name="times"
            size="sm"
            tooltip="Unpin"
            onClick={onClose}
            data-testid={TEST_IDS.panel.tooltipClose}
          />
        )}
      </div>
      {series.map((s, index) => (
        <SeriesRows
          key={s.key}
          series={s}
          color={colors.series[index]?.line}
          time={time}
          threshold={threshold}
          actions={actions?.(s)}
        />
      ))}
    </div>
  );
}

function SeriesRows({
  series,
  color,
  time,
  threshold,
  actions,
}: {
  series: PanelSeries;
  color?: string;
  time: number;
  threshold?: number;
  actions?: ReactNode;
}) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const i = series.time.indexOf(time);
  if (i < 0) return null;
  const display = series.valueField.display ?? getDisplayProcessor({ field: series.valueField, theme });
  const format = (value: number | null | undefined) =>
    value === null || value === undefined ? '–' : formattedValueToString(display(value));
  const limit = threshold ?? series.threshold;
  const isAnomaly = anomalyFlags(series, limit)[i] ?? false;
  const lower = series.lower?.[i];
  const upper = series.upper?.[i];
  const score = series.score?.[i];
  const sigma = series.sigma?.[i];
  const region = isAnomaly ? regionAt(series, time) : undefined;
  return (
    <div className={styles.series}>
      <div className={styles.title}>
        <span className={styles.swatch} style={{ background: color }} />
        <span>{series.title}</span>
        {isAnomaly && <span className={styles.anomaly}>Anomaly</span>}
      </div>
      <Row label="Value" value={format(series.value[i])} />
      {series.expected && <Row label="Expected" value={format(series.expected[i])} />}
      {lower != null && upper != null && (
        <Row label="Expected range" value={`${format(lower)} – ${format(upper)}`} />
      )}
      {isAnomaly && sigma != null && <Row label="Deviation" value={`${sigma.toFixed(1)}σ`} />}
      {score != null && <Row label="Score" value={`${Math.round(score)} / 100 (flags at ${limit})`} />}
      {series.detector && <Row label="Detector" value={series.detector} />}
      {region && <div className={styles.explanation}>{region.explanation}</div>}
      {actions && <div className={styles.actions}>{actions}</div>}
    </div>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.row}>
      <span className={styles.label}>{label}</span>
      <span>{value}</span>
    </div>
  );
}
