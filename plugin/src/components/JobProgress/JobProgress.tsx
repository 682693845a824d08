import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import type { JobFit } from '@tidemark/core';
import React from 'react';
import { TEST_IDS } from '../../constants/tests';

interface Props {
  /** 0–1 */
  progress: number;
  label?: string;
  /** The job's last reported epoch (detectors that train in epochs), shown under the bar. */
  fit?: JobFit | null;
}

/** A training job's progress as an accessible bar with its percentage, and its epoch, loss and ETA. */
export function JobProgress({ progress, label = 'Training', fit }: Props) {
  const styles = useStyles2(getStyles);
  const percent = Math.round(Math.min(1, Math.max(0, progress)) * 100);
  const bar = (
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
  if (!fit) return bar;
  return (
    <div>
      {bar}
      <div className={styles.text} data-testid={TEST_IDS.app.jobFit}>
        {fitText(fit)}
      </div>
    </div>
  );
}

/** `Epoch 3/8 · loss 0.0123 · about 12 s left`. */
export function fitText({ epoch, epochs, loss, etaMs }: JobFit): string {
  const parts = [`Epoch ${epoch}/${epochs}`, `loss ${loss.toPrecision(3)}`];
  if (epoch < epochs && etaMs > 0) parts.push(`about ${durationText(etaMs)} left`);
  return parts.join(' · ');
}

function durationText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
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
