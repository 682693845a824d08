import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';
import { TEST_IDS } from '../../constants/tests';

interface Props {
  /** 0–1 */
  progress: number;
  label?: string;
}

/** A training job's progress as an accessible bar with its percentage. */
export function JobProgress({ progress, label = 'Training' }: Props) {
  const styles = useStyles2(getStyles);
  const percent = Math.round(Math.min(1, Math.max(0, progress)) * 100);
  return (
    <div className={styles.wrap}>
      <div
        className={styles.track}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid={TEST_IDS.app.jobProgress}
      >
        <div className={styles.bar} style={{ width: `${percent}%` }} />
      </div>
      <span className={styles.text}>{percent}%</span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), minWidth: 160 }),
  track: css({
    flex: 1,
    height: 8,
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    overflow: 'hidden',
  }),
  bar: css({ height: '100%', background: theme.colors.primary.main, transition: 'width 0.3s ease' }),
  text: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    minWidth: 36,
  }),
});
