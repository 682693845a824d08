/**
 * `npm run demo:nab`: scores the bundled NYC taxi series (NAB) as a live feed (causal mode) with the
 * default detector and prints the anomaly regions it finds beside the events NAB labels in it.
 * No InfluxDB needed: the engine only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scorePoints, toScoredSeries } from '@tidemark/core/engine';
import { parseSeriesCsv } from '../scorer/cli/csv';

const SAMPLE = join(__dirname, '..', 'samples', 'nyc_taxi.csv');
const KNOWN_EVENTS = [
  ['2014-09-01', 'Labor Day (not labelled by NAB)'],
  ['2014-11-02', 'NYC marathon'],
  ['2014-11-27', 'Thanksgiving'],
  ['2014-12-25', 'Christmas'],
  ['2015-01-01', "New Year's Day"],
  ['2015-01-26', 'snow storm'],
];

async function main() {
  const csv = parseSeriesCsv(readFileSync(SAMPLE, 'utf8'));
  console.log(`Tidemark demo: scoring ${csv.points.length} points of NYC taxi demand (30-minute steps)`);
  console.log('as a live feed: each point is scored from the points before it only.\n');
  const started = Date.now();
  const result = await scorePoints(csv.points, { causal: true });
  const series = toScoredSeries(result, 'nyc_taxi', {});
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `Scored in ${seconds} s with the "${series.detector}" detector (flag at score ≥ ${series.threshold}).`,
  );
  console.log(`Found ${series.regions.length} anomaly regions:\n`);
  for (const region of series.regions) {
    const start = new Date(region.start).toISOString().slice(0, 16).replace('T', ' ');
    const known = KNOWN_EVENTS.find(([day]) => Math.abs(Date.parse(day!) - region.peakTime) < 2 * 86_400_000);
    const label = known ? `  ← ${known[1]}` : '';
    console.log(
      `  ${start}  score ${region.peakScore.toFixed(0).padStart(3)}  ${region.explanation}${label}`,
    );
  }
  console.log('\nScore a CSV of your own: npm run tidemark -- score --input FILE.csv --causal');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
