import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** Tables, toolbars and muted text shared by the app page's tabs. */
export const getSharedStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    marginBottom: theme.spacing(3),
    'th, td': {
      padding: theme.spacing(0.75, 1),
      textAlign: 'left',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  toolbar: css({
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(2),
  }),
  actions: css({ display: 'flex', gap: theme.spacing(0.5), flexWrap: 'wrap' }),
  muted: css({ color: theme.colors.text.secondary }),
  form: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    marginBottom: theme.spacing(3),
    background: theme.colors.background.secondary,
  }),
  sideBySide: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(380px, 1fr))',
    gap: theme.spacing(2),
  }),
  column: css({ minWidth: 0 }),
  code: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
  }),
});
