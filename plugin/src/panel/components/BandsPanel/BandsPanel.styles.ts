import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** Includes the few uPlot layout rules its own stylesheet would bring, scoped to the panel. */
export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    position: 'relative',
    display: 'flex',
    flexDirection: 'column',
    '.uplot, .uplot *': { boxSizing: 'border-box' },
    '.uplot': { position: 'relative', fontFamily: theme.typography.fontFamily, lineHeight: 1.5 },
    '.u-wrap': { position: 'relative', userSelect: 'none' },
    '.u-over, .u-under': { position: 'absolute' },
    '.u-under': { overflow: 'hidden' },
    '.uplot canvas': { display: 'block', position: 'relative', width: '100%', height: '100%' },
    '.u-axis': { position: 'absolute' },
    '.u-select': { background: theme.colors.action.selected, position: 'absolute', pointerEvents: 'none' },
    '.u-cursor-x, .u-cursor-y': {
      position: 'absolute',
      left: 0,
      top: 0,
      pointerEvents: 'none',
      willChange: 'transform',
    },
    '.u-cursor-x': { height: '100%', borderRight: `1px dashed ${theme.colors.text.disabled}` },
    '.u-cursor-y': { width: '100%', borderBottom: `1px dashed ${theme.colors.text.disabled}` },
    '.u-cursor-pt': {
      position: 'absolute',
      top: 0,
      left: 0,
      borderRadius: '50%',
      border: '0 solid',
      pointerEvents: 'none',
      willChange: 'transform',
      backgroundClip: 'padding-box !important',
    },
    '.u-axis.u-off, .u-select.u-off, .u-cursor-x.u-off, .u-cursor-y.u-off, .u-cursor-pt.u-off': {
      display: 'none',
    },
  }),
});
