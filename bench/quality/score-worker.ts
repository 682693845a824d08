/** Worker process for `score-files.ts`: the engine call `tidemark score --causal` makes, per message. */
import { readFileSync } from 'node:fs';
import { scorePoints } from '@tidemark/core/engine';
import { parseSeriesCsv } from '../../scorer/cli/csv';
import { type ScoreJob, writeResult } from './score-files';

process.on('message', async (job: ScoreJob) => {
  try {
    const csv = parseSeriesCsv(readFileSync(job.input, 'utf8'));
    const result = await scorePoints(csv.points, { detector: { id: job.detector }, causal: true });
    const csvOf = (score: Float64Array) => {
      const rows = ['timestamp,anomaly_score,anomaly'];
      csv.timestamps.forEach((t, k) => {
        const value = score[result.series.slotOfPoint[k]!]!;
        const known = !Number.isNaN(value);
        rows.push(`${t},${known ? Math.round(value * 10) / 1000 : 0},${value >= result.threshold ? 1 : 0}`);
      });
      return `${rows.join('\n')}\n`;
    };
    writeResult(job.output, csvOf(result.score));
    for (const { detector, score } of result.memberScores) {
      const output = job.memberOutputs?.[detector];
      if (output) writeResult(output, csvOf(score));
    }
    process.send!({});
  } catch (error) {
    process.send!({ error: (error as Error).stack ?? String(error) });
  }
});
