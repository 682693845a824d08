/** @tidemark/core — the browser-safe wire contract between the Grafana plugin and the scorer. */
export * from './version';
export * from './detectors';
export * from './duration';
export * from './query';
export * from './series';
export * from './requests';
export * from './score-scale';
