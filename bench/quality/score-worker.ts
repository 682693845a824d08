/** Worker process for `score-files.ts`: the engine call `tidemark score --causal` makes, per message. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scorePoints } from '@tidemark/core/engine';
import { parseSeriesCsv } from '../../scorer/cli/csv';
import type { ScoreJob } from './score-files';

process.on('message', async (job: ScoreJob) => {
  try {
    const csv = parseSeriesCsv(readFileSync(job.input, 'utf8'));
    const result = await scorePoints(csv.points, { detector: { id: job.detector }, causal: true });
    const rows = ['timestamp,anomaly_score,anomaly'];
    csv.timestamps.forEach((t, k) => {
      const slot = result.series.slotOfPoint[k]!;
      const score = result.score[slot]!;
      rows.push(`${t},${Number.isNaN(score) ? 0 : Math.round(score * 10) / 1000},${result.anomaly[slot]}`);
    });
    mkdirSync(dirname(job.output), { recursive: true });
    writeFileSync(job.output, `${rows.join('\n')}\n`);
    process.send!({});
  } catch (error) {
    process.send!({ error: (error as Error).stack ?? String(error) });
  }
});
