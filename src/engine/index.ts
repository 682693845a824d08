/** @tidemark/core/engine — the detection engine (Node). */
export * from './detector';
export * from './errors';
export { explainPoint, formatValue } from './explain';
export {
  type CalibrationSpan,
  loadMember,
  type MemberOutcome,
  type MemberTask,
  runMemberTask,
} from './member';
export * from './model';
export * from './model-codec';
export * from './prepare';
export { findRegions } from './regions';
export * from './registry';
export * from './score';
export { detectPeriod } from './season';
