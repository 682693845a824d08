import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, type CliRun as Run, runNode, tidemark } from '../test/cli';

const HEADER = 'timestamp,value,expected,lower,upper,score,anomaly';

/** A 5-minute NAB-style series: a daily-ish wave, one gap, one spike, a few rows out of order. */
function goodCsv(): { text: string; rows: Array<[string, string]> } {
  const rows: Array<[string, string]> = [];
  for (let i = 0; i < 400; i++) {
    const t = new Date(Date.UTC(2014, 3, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    const value =
      i === 150
        ? ''
        : (50 + 10 * Math.sin((2 * Math.PI * i) / 48) + (i === 350 ? 40 : ((i * 7919) % 13) / 13)).toFixed(3);
    rows.push([t, value]);
  }
  [rows[10], rows[11]] = [rows[11]!, rows[10]!];
  rows.push(rows[20]!); // a duplicate timestamp at the end of the file
  return { text: ['timestamp,value', ...rows.map((r) => r.join(','))].join('\n') + '\n', rows };
}

describe('tidemark CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-cli-'));
  const good = goodCsv();
  const goodPath = join(dir, 'good.csv');
  const badPath = join(dir, 'bad.csv');
  const outPath = join(dir, 'out.csv');
  writeFileSync(goodPath, good.text);
  writeFileSync(
    badPath,
    'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,1.5\n2014-04-01 00:10:00,abc\n',
  );

  const invocations = {
    help: ['--help'],
    none: [],
    scoreHelp: ['score', '--help'],
    unknownCommand: ['retrain'],
    unknownDetector: ['score', '--input', goodPath, '--detector', 'prophet'],
    noInput: ['score'],
    badThreshold: ['score', '--input', goodPath, '--threshold', '0'],
    badCsv: ['score', '--input', badPath],
    missingFile: ['score', '--input', join(dir, 'missing.csv')],
    scoreToStdout: ['score', '--input', goodPath],
    causalToFile: ['score', '--input', goodPath, '--causal', '--quiet', '--output', outPath],
    unknownOption: ['score', '--input', goodPath, '--bogus'],
  } satisfies Record<string, string[]>;
  const runs = {} as Record<keyof typeof invocations, Run>;

  beforeAll(async () => {
    // All at once: each run pays Node + tsx start-up, so run them side by side.
    const names = Object.keys(invocations) as Array<keyof typeof invocations>;
    const results = await Promise.all(names.map((name) => tidemark(invocations[name])));
    names.forEach((name, k) => {
      runs[name] = results[k]!;
    });
  }, 180_000); // twelve Node + tsx start-ups: over a minute on two busy cores

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the installed bin runs from any working directory (it finds tsx beside itself)', async () => {
    const bin = join(ROOT, 'scorer', 'bin', 'tidemark.cjs');
    const run = await runNode([bin, '--help'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Usage: tidemark/);
  });

  it('--help prints usage and exits 0', () => {
    expect(runs.help.code).toBe(0);
    expect(runs.help.stdout).toMatch(/Usage: tidemark/);
    for (const command of ['serve', 'score', 'train', 'models', 'feed'])
      expect(runs.help.stdout).toMatch(new RegExp(`\\n  ${command} `));
  });

  it('score --help documents the output columns and exits 0', () => {
    expect(runs.scoreHelp.code).toBe(0);
    expect(runs.scoreHelp.stdout).toContain(HEADER);
  });

  it.each<[keyof typeof invocations, RegExp]>([
    ['none', /Usage: tidemark/],
    ['unknownCommand', /unknown command "retrain"/],
    ['unknownDetector', /unknown detector "prophet"/],
    ['noInput', /--input/],
    ['badThreshold', /--threshold/],
  ])('bad usage (%s) exits 2 and says why', (name, message) => {
    expect(runs[name].code).toBe(2);
    expect(runs[name].stdout + runs[name].stderr).toMatch(message);
  });

  it('bad CSV exits 3 and names the line on stderr', () => {
    expect(runs.badCsv.code).toBe(3);
    expect(runs.badCsv.stderr).toMatch(/line 4/);
    expect(runs.badCsv.stderr).toMatch(/"abc"/);
    expect(runs.badCsv.stdout).toBe('');
  });

  it('a missing input file exits 3', () => {
    expect(runs.missingFile.code).toBe(3);
    expect(runs.missingFile.stderr).toMatch(/missing\.csv/);
  });

  it.each(['scoreToStdout', 'causalToFile'] as const)(
    '%s writes one row per input row, in input order',
    (name) => {
      const run = runs[name];
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      const text = name === 'causalToFile' ? readFileSync(outPath, 'utf8') : run.stdout;
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toBe(HEADER);
      const rows = lines.slice(1).map((line) => line.split(','));
      expect(rows).toHaveLength(good.rows.length);
      rows.forEach((cells, k) => {
        expect(cells).toHaveLength(7);
        const [timestamp, value, expected, lower, upper, score, anomaly] = cells as [string, ...string[]];
        expect(timestamp).toBe(good.rows[k]![0]);
        expect(value === '' ? '' : Number(value)).toBe(
          good.rows[k]![1] === '' ? '' : Number(good.rows[k]![1]),
        );
        for (const cell of [expected, lower, upper, score])
          expect(cell === '' || Number.isFinite(Number(cell))).toBe(true);
        if (score !== '') {
          expect(Number(score)).toBeGreaterThanOrEqual(0);
          expect(Number(score)).toBeLessThanOrEqual(100);
        }
        expect(['0', '1']).toContain(anomaly);
        if (lower !== '' && upper !== '') expect(Number(lower)).toBeLessThanOrEqual(Number(upper));
      });
      // The injected spike is found.
      const spike = rows.findIndex((cells) => cells[0] === good.rows[350]![0]);
      expect(rows[spike]![6]).toBe('1');
    },
  );

  it('writes progress to stderr, not into the data on stdout', () => {
    expect(runs.scoreToStdout.stderr).toMatch(/scoring \d+ rows/);
    expect(runs.scoreToStdout.stdout.startsWith(HEADER)).toBe(true);
  });

  it('--output writes the file and leaves stdout empty', () => {
    expect(existsSync(outPath)).toBe(true);
    expect(runs.causalToFile.stdout).toBe('');
    expect(runs.causalToFile.stderr).toBe('');
  });

  // node:util parseArgs errors (unknown option, missing value) are usage errors.
  it('an unknown option exits 2 with the usage text', () => {
    expect(runs.unknownOption.code).toBe(2);
    expect(runs.unknownOption.stderr).toMatch(/Usage: tidemark score/);
  });
});

describe('tidemark score --members', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-members-'));
  const input = join(dir, 'good.csv');
  writeFileSync(input, goodCsv().text);
  const causal = ['score', '--input', input, '--causal', '--quiet'];
  const runs = {} as Record<'members' | 'ensemble' | 'robust' | 'forest' | 'lstm', Run>;

  beforeAll(async () => {
    [runs.members, runs.ensemble, runs.robust, runs.forest, runs.lstm] = await Promise.all([
      tidemark([...causal, '--members']),
      tidemark(causal),
      tidemark([...causal, '--detector', 'robust']),
      tidemark([...causal, '--detector', 'isolation-forest']),
      tidemark([...causal, '--detector', 'lstm']),
    ]);
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // bench/eval.ts reads every member's figures from one ensemble run through these columns
  it('--members adds each member its own score and flag, equal to scoring with it alone', () => {
    const table = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((line) => line.split(','));
    const [header, ...rows] = table(runs.members.stdout);
    expect(header).toEqual([
      ...HEADER.split(','),
      'score_robust',
      'anomaly_robust',
      'score_isolation-forest',
      'anomaly_isolation-forest',
      'score_pattern',
      'anomaly_pattern',
      'score_lstm',
      'anomaly_lstm',
    ]);
    expect(rows.map((r) => r.slice(0, 7).join(','))).toEqual(
      table(runs.ensemble.stdout)
        .slice(1)
        .map((r) => r.join(',')),
    );
    for (const [id, run] of [
      ['robust', runs.robust],
      ['isolation-forest', runs.forest],
      ['lstm', runs.lstm],
    ] as const) {
      const alone = table(run.stdout).slice(1);
      const column = header!.indexOf(`score_${id}`);
      expect(rows.map((r) => r.slice(column, column + 2))).toEqual(alone.map((r) => r.slice(5, 7)));
      expect(alone.some((r) => r[6] === '1')).toBe(true);
    }
  });
});
