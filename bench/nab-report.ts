import { writeFileSync } from 'node:fs';

interface Row {
  standard: number;
  reward_low_FP_rate: number;
  reward_low_FN_rate: number;
  seconds: number;
}

/** Published scores of other detectors on this same dev subset (from the design brief). */
const PUBLISHED = [
  { name: 'ARTime (best published)', standard: 67.1 },
  { name: 'Numenta HTM', standard: 61.3 },
];

export function writeQualityDoc(path: string, results: Record<string, Row>): void {
  const fmt = (n: number) => n.toFixed(1);
  const rows = Object.entries(results).map(
    ([detector, r]) =>
      `| \`${detector}\` | ${fmt(r.standard)} | ${fmt(r.reward_low_FP_rate)} | ${fmt(r.reward_low_FN_rate)} | ${fmt(r.seconds)} |`,
  );
  const published = PUBLISHED.map((p) => `| ${p.name} | ${fmt(p.standard)} | – | – | – |`);
  const text = `# Detection quality

Measured on the NAB development subset (\`../shared/nab-dev\`: 18 files, 113,913 rows, 25 anomaly
windows) in **causal mode**: every row is scored from the rows before it only, exactly as a live
feed would be (\`tidemark score --causal\`). One set of defaults for every file; no per-file tuning.
NAB's scorer (\`../shared/tools/nab-score.mjs\`, standard threshold optimisation) reads the 0–100
score divided by 100.

Reproduce with \`npm run eval:nab\` (rewrites this file; seconds are wall-clock on the machine
that ran it, two files at a time).

| detector | standard | reward low FP | reward low FN | seconds |
|---|---|---|---|---|
${[...rows, ...published].join('\n')}

The default detector is \`ensemble\`. Scores are normalised by NAB: 0 is a detector that never
fires, 100 a perfect one.

## How the defaults were chosen

On this dev set only, in causal mode, one set of values for every file (no per-file tuning): the
robust baseline's seasons (6), level window (8 points) and spread window (1,000 residuals); the
calibration's tail (beyond the 95th percentile, scaled by the median excess) and its recent-novelty
window (150 points); the ensemble weights (robust 2 : isolation forest 1; 0.6–0.75 for robust all
scored 65.9–66.8 in the sweep, so the choice is not a knife edge). The isolation forest and the LSTM
keep the defaults their authors picked on synthetic data. The rest of the NAB corpus was never used.

## Where the default still loses points

With NAB's optimised standard threshold, the ensemble detects 22 of the 25 windows, fires on no
row of the five files without anomalies, and loses most on:

- \`realKnownCause/ambient_temperature_system_failure.csv\`: both windows missed; the failures
  are slow temperature drifts that stay inside the seasonal band.
- \`realKnownCause/nyc_taxi.csv\`: one of five windows missed.
- \`realKnownCause/machine_temperature_system_failure.csv\` and \`rogue_agent_key_updown.csv\`:
  all windows found, but with 21 and 13 false-positive rows from short excursions outside them.

The LSTM alone is weak here (it needs longer history than NAB's causal refits give it, and it
flags the point after every spike, whose input window holds the spike); it is offered as an
opt-in detector for long, smooth series, not as part of the default.
`;
  writeFileSync(path, text);
}
