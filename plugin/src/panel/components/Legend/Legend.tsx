import { useStyles2 } from '@grafana/ui';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { anomalyFlags, type PanelSeries } from '../../model';
import type { PlotColors } from '../../plot/colors';
import { getStyles } from './Legend.styles';

interface Props {
  maxHeight: number;
  series: PanelSeries[];
  hidden: Set<string>;
  colors: PlotColors;
  threshold?: number;
  onToggle: (key: string) => void;
}

/** One item per series: line and band swatches, anomaly count; a click hides or shows the series. */
export const Legend = React.forwardRef<HTMLDivElement, Props>(function Legend(
  { maxHeight, series, hidden, colors, threshold, onToggle },
  ref,
) {
  const styles = useStyles2(getStyles);
  return (
    <div ref={ref} className={styles.legend} style={{ maxHeight }} data-testid={TEST_IDS.panel.legend}>
      {series.map((s, index) => {
        const color = colors.series[index];
        const anomalies = anomalyFlags(s, threshold ?? s.threshold).filter(Boolean).length;
        return (
          <button
            type="button"
            key={s.key}
            className={styles.item}
            aria-pressed={!hidden.has(s.key)}
            data-testid={TEST_IDS.panel.legendItem}
            onClick={() => onToggle(s.key)}
          >
            {s.upper && <span className={styles.band} style={{ background: color?.band }} />}
            <span className={styles.line} style={{ background: color?.line }} />
            <span>{s.title}</span>
            {(s.score || s.anomaly) && (
              <span className={styles.detail}>
                {anomalies > 0 && (
                  <span
                    className={styles.anomaly}
                    style={{ background: colors.anomaly, display: 'inline-block', marginRight: 4 }}
                  />
                )}
                {anomalies} {anomalies === 1 ? 'anomaly' : 'anomalies'}
                {s.detector ? ` · ${s.detector}` : ''}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
});
