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
`;
  writeFileSync(path, text);
}
