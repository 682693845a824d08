import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    overflowY: 'auto',
  }),
  item: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.primary,
    cursor: 'pointer',
    '&[aria-pressed="false"]': { opacity: 0.45 },
  }),
  line: css({ width: 14, height: 3, borderRadius: 1 }),
  band: css({ width: 14, height: 10, borderRadius: 2 }),
  anomaly: css({ width: 8, height: 8, borderRadius: '50%' }),
  detail: css({ color: theme.colors.text.secondary }),
});
