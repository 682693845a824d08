import {
  DETECTOR_IDS,
  type DetectorId,
  type DetectorParams,
  detectorIdSchema,
  SENSITIVITY_THRESHOLDS,
  sensitivitySchema,
} from '@tidemark/core';
import { UsageError } from './exit-codes';

const SENSITIVITIES = Object.keys(SENSITIVITY_THRESHOLDS).join(', ');

/** The help lines of the flags `detectorSpecOf` reads. */
export const DETECTOR_OPTIONS_HELP = `  --detector ID     ${DETECTOR_IDS.join(', ')} (default: ensemble)
  --sensitivity S   ${SENSITIVITIES}: the flagging threshold's preset (default: medium)
  --threshold N     score (1-100) at or above which a row is flagged (overrides --sensitivity)`;

export const detectorFlags = {
  detector: { type: 'string' },
  sensitivity: { type: 'string' },
  threshold: { type: 'string' },
} as const;

export function parseDetector(text: string): DetectorId {
  const parsed = detectorIdSchema.safeParse(text);
  if (!parsed.success)
    throw new UsageError(`unknown detector "${text}": use one of ${DETECTOR_IDS.join(', ')}`);
  return parsed.data;
}

/** The detector parameters the flags give (sensitivity, threshold). */
export function detectorParamsOf(values: { sensitivity?: string; threshold?: string }): DetectorParams {
  const params: DetectorParams = {};
  if (values.sensitivity !== undefined) {
    const parsed = sensitivitySchema.safeParse(values.sensitivity);
    if (!parsed.success)
      throw new UsageError(`--sensitivity must be one of ${SENSITIVITIES}, got "${values.sensitivity}"`);
    params.sensitivity = parsed.data;
  }
  if (values.threshold !== undefined) {
    const n = Number(values.threshold);
    if (!(n >= 1 && n <= 100))
      throw new UsageError(`--threshold must be a number from 1 to 100, got "${values.threshold}"`);
    params.threshold = n;
  }
  return params;
}
