import type { ScoreResponse } from '@tidemark/core';
import { uniqueNotices } from './join-segments';
import { seriesCappedNotice } from './score-service';

/**
 * The answers for each field of a several-field request as one: series in field order, at most
 * `maxSeries` of them over all fields (with the same warning as one field's cap), notices once.
 */
export function joinFieldResponses(responses: ScoreResponse[], maxSeries: number): ScoreResponse {
  if (responses.length === 1) return responses[0]!;
  const all = responses.flatMap((response) => response.series);
  const notices = uniqueNotices(responses.flatMap((response) => response.notices));
  const capped = all.length > maxSeries;
  return {
    contractVersion: responses[0]!.contractVersion,
    series: capped ? all.slice(0, maxSeries) : all,
    notices: capped ? uniqueNotices([...notices, seriesCappedNotice(all.length, maxSeries)]) : notices,
  };
}
