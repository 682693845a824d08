import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  tooltip: css({
    position: 'absolute',
    zIndex: theme.zIndex.tooltip,
    pointerEvents: 'none',
    minWidth: 220,
    maxWidth: 380,
    padding: theme.spacing(1),
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z3,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.primary,
  }),
  time: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    color: theme.colors.text.secondary,
    marginBottom: theme.spacing(0.5),
  }),
  actions: css({ marginTop: theme.spacing(0.75) }),
  series: css({ padding: theme.spacing(0.5, 0), borderTop: `1px solid ${theme.colors.border.weak}` }),
  title: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
    fontWeight: theme.typography.fontWeightMedium,
  }),
  swatch: css({ width: 10, height: 10, borderRadius: 2, flexShrink: 0 }),
  row: css({ display: 'flex', justifyContent: 'space-between', gap: theme.spacing(2) }),
  label: css({ color: theme.colors.text.secondary }),
  anomaly: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightBold }),
  explanation: css({ marginTop: theme.spacing(0.5), color: theme.colors.text.primary }),
});
