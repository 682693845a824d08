/** @tidemark/core/engine — the detection engine (Node). */
export * from './detector';
export * from './errors';
export { explainPoint, formatValue } from './explain';
export * from './model';
export * from './model-codec';
export * from './prepare';
export * from './registry';
export * from './score';
export { detectPeriod } from './season';
