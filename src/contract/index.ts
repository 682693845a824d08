/** @tidemark/core — the browser-safe wire contract between the Grafana plugin and the scorer. */

export * from './alert-rules';
export * from './backtests';
export * from './detectors';
export * from './detectors-api';
export * from './duration';
export * from './influx-text';
export * from './maintenance';
export * from './marks';
export * from './models';
export * from './query';
export * from './regex';
export * from './requests';
export * from './score-scale';
export * from './series';
export * from './time-bounds';
export * from './version';
