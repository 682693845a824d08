/**
 * Train once, score later: `tidemark train` / `score --model` / `models export|import` as real
 * CLI processes, against a real `tidemark serve` on a real influxd. A model moved between a CSV
 * workflow and the scorer scores the same CSV the same way in both.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSummary, ScoreResponse } from '@tidemark/core';
import { InfluxClient } from '../influx';
import { createDatabase, seasonalPoints, TOKEN } from '../test/app-harness';
import { type CliRun, tidemark } from '../test/cli';
import { useInfluxd } from '../test/influxd';
import { callReplica, type Replica, startReplica } from '../test/replicas';

const influxd = useInfluxd();
const STEP = 60_000;
/** Midnight UTC: the range the scorer is asked for starts a UTC day, so nothing before it is scored. */
const D = Date.UTC(2024, 0, 2);
const HISTORY = 900;
const T0 = D - HISTORY * STEP;
const points = seasonalPoints('cpu', { host: 'a' }, T0, HISTORY + 240, STEP, { [HISTORY + 100]: 45 });
const csvOf = (rows: typeof points) =>
  `timestamp,value\n${rows.map((p) => `${new Date(p.time).toISOString()},${p.fields.value}`).join('\n')}\n`;

const dir = mkdtempSync(join(tmpdir(), 'tidemark-models-'));
const file = (name: string) => join(dir, name);
let scorer: Replica;
let env: Record<string, string>;
const importArgs = ['--database', 'metrics', '--measurement', 'cpu', '--field', 'value', '--where', 'host=a'];

beforeAll(async () => {
  const influx = new InfluxClient({ url: influxd.current.url });
  await createDatabase(influx, 'metrics');
  await influx.write('metrics', points);
  writeFileSync(file('history.csv'), csvOf(points.slice(0, HISTORY)));
  writeFileSync(file('all.csv'), csvOf(points));
  scorer = await startReplica('models-cli', {
    INFLUX_URL: influxd.current.url,
    DATA_DIR: file('data'),
    MAX_BODY_BYTES: String(4 * 1024 * 1024),
  });
  env = { TIDEMARK_URL: scorer.url, TIDEMARK_TOKEN: TOKEN };
}, 90_000);
afterAll(async () => {
  await scorer?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const ok = (run: CliRun) => {
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  return run;
};
/** Score column of the rows at or after D (the lookback rows before it have none). */
const cliScores = (csv: string) =>
  csv
    .trimEnd()
    .split('\n')
    .slice(1 + HISTORY)
    .map((line) => {
      const score = line.split(',')[5]!;
      return score === '' ? null : Number(score);
    });

async function scorerScores(): Promise<ScoreResponse['series'][number]> {
  const response = await callReplica(scorer, 'POST', '/api/v1/score', {
    query: { database: 'metrics', measurement: 'cpu', field: 'value', tags: [{ key: 'host', value: 'a' }] },
    range: { from: D, to: D + 240 * STEP },
    intervalMs: STEP,
    detector: { id: 'ensemble' },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as ScoreResponse;
  expect(body.series).toHaveLength(1);
  return body.series[0]!;
}

describe('train once, score later', () => {
  let modelId: string;
  let cliScored: string;

  it('train writes a model file, with progress on stderr', async () => {
    const run = ok(await tidemark(['train', '--input', file('history.csv'), '--model', file('m.tdm')]));
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/training ensemble on 900 rows/);
    expect(run.stderr).toMatch(/done in .*m\.tdm \(ensemble, 900 points, 60 s steps/);
    const document = JSON.parse(readFileSync(file('m.tdm'), 'utf8'));
    expect(document).toMatchObject({ format: 'tidemark-model', formatVersion: 1, detector: 'ensemble' });
  }, 180_000);

  it('score --model scores new rows with it, in the usual output format', async () => {
    const run = ok(
      await tidemark([
        'score',
        '--model',
        file('m.tdm'),
        '--input',
        file('all.csv'),
        '--from',
        String(D / 1000),
      ]),
    );
    cliScored = run.stdout;
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,expected,lower,upper,score,anomaly');
    expect(lines).toHaveLength(1 + points.length);
    expect(lines[HISTORY - 1]!.split(',').slice(2)).toEqual(['', '', '', '', '0']); // lookback only
    const spike = lines[1 + HISTORY + 100]!.split(',');
    expect(spike[6]).toBe('1');
  }, 180_000);

  it('models import stores it in the scorer, which then scores that series the same as the CLI', async () => {
    const run = ok(
      await tidemark(['models', 'import', file('m.tdm'), ...importArgs, '--name', 'cpu of a'], env),
    );
    modelId = run.stdout.trim();
    const listed = (await (
      await callReplica(scorer, 'GET', `/api/v1/models/${modelId}`)
    ).json()) as ModelSummary;
    expect(listed).toMatchObject({ id: modelId, detector: 'ensemble', series: 'cpu of a', version: 1 });
    const scored = await scorerScores();
    expect(scored.notices.map((n) => n.text)).toContain(`Scored with trained model ${modelId} (version 1).`);
    expect(scored.score).toEqual(cliScores(cliScored));
    expect(scored.anomaly.filter(Boolean)).toHaveLength(cliScores(cliScored).filter((s) => s! >= 70).length);
  }, 180_000);

  it('models export writes the stored model back out: the same model, the same scores', async () => {
    ok(await tidemark(['models', 'export', modelId, '--out', file('exported.tdm')], env));
    expect(JSON.parse(readFileSync(file('exported.tdm'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(file('m.tdm'), 'utf8')),
    );
    const run = ok(
      await tidemark([
        'score',
        '--model',
        file('exported.tdm'),
        '--input',
        file('all.csv'),
        '--from',
        String(D / 1000),
      ]),
    );
    expect(run.stdout).toBe(cliScored);
  }, 180_000);

  it('GET /models/:id/file serves the file with its media type; an unknown model or version is a 404', async () => {
    const response = await callReplica(scorer, 'GET', `/api/v1/models/${modelId}/file`);
    expect(response.headers.get('content-type')).toBe('application/vnd.tidemark.model+json');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${modelId}-v1.tdm"`);
    for (const path of [`/api/v1/models/${modelId}/file?version=9`, '/api/v1/models/nope/file']) {
      const missing = await callReplica(scorer, 'GET', path);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
    }
    const run = await tidemark(['models', 'export', 'nope', '--out', file('nope.tdm')], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/answered 404 .*There is no model "nope"/);
  }, 180_000);
});

describe('a bad model file or input says what is wrong', () => {
  const model = () => JSON.parse(readFileSync(file('m.tdm'), 'utf8'));
  const upload = (document: unknown) =>
    callReplica(scorer, 'POST', '/api/v1/models/file', {
      query: { database: 'metrics', measurement: 'cpu', field: 'value' },
      model: document,
    });

  it.each([
    ['a foreign JSON document', { hello: 'world' }, /not a Tidemark model/],
    ['a corrupt model (states cut off)', () => ({ ...model(), states: 'cut' }), /not a Tidemark model/],
    [
      'a model from a newer Tidemark',
      () => ({ ...model(), formatVersion: 99 }),
      /format version 99.*upgrade Tidemark/,
    ],
  ])('the scorer refuses %s with a 422 bad-model problem', async (_name, document, detail) => {
    const response = await upload(typeof document === 'function' ? document() : document);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      type: 'urn:tidemark:problem:bad-model',
      detail: expect.stringMatching(detail),
    });
  });

  it('a model file over MAX_BODY_BYTES is a 413', async () => {
    const huge = { ...model(), padding: 'x'.repeat(5 * 1024 * 1024) };
    expect((await upload(huge)).status).toBe(413);
  });

  const cases: Array<[string, () => string[], RegExp, number?]> = [
    [
      'a corrupt model file',
      () => ['score', '--model', file('corrupt.tdm'), '--input', file('all.csv')],
      /corrupt\.tdm: not a Tidemark model/,
    ],
    [
      'a missing model file',
      () => ['score', '--model', file('missing.tdm'), '--input', file('all.csv')],
      /cannot read the model .*missing\.tdm/,
    ],
    [
      'a model for another detector',
      () => ['score', '--model', file('m.tdm'), '--detector', 'lstm', '--input', file('all.csv')],
      /m\.tdm is a ensemble model; it cannot score as lstm/,
    ],
    [
      'a CSV with other columns',
      () => ['score', '--model', file('m.tdm'), '--input', file('other.csv')],
      /line 1: the header must name the columns timestamp and value; missing "timestamp" and "value"/,
    ],
    [
      'a CSV at another interval',
      () => ['score', '--model', file('m.tdm'), '--input', file('coarse.csv')],
      /rows 120 s apart, but the model was trained on 60 s steps/,
    ],
    [
      'importing a corrupt file',
      () => ['models', 'import', file('corrupt.tdm'), ...importArgs],
      /corrupt\.tdm: not a Tidemark model/,
    ],
    [
      'train with no --model',
      () => ['train', '--input', file('history.csv')],
      /--model FILE\.tdm is required/,
      2,
    ],
    [
      'a bad --sensitivity',
      () => ['train', '--input', file('history.csv'), '--model', file('x.tdm'), '--sensitivity', 'extreme'],
      /--sensitivity must be one of low, medium, high/,
      2,
    ],
    ['import without the series', () => ['models', 'import', file('m.tdm')], /--database is required/, 2],
  ];
  beforeAll(() => {
    writeFileSync(file('corrupt.tdm'), '{"format":"tidemark-model","formatVersion":1,"detector":"robust"');
    writeFileSync(file('other.csv'), 'time,cpu\n2024-01-01 00:00:00,1\n');
    writeFileSync(file('coarse.csv'), csvOf(points.filter((_, k) => k % 2 === 0)));
  });

  it.each(cases)(
    '%s exits with a clear error',
    async (_name, args, message, code = 3) => {
      const run = await tidemark(args(), env);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(code);
      expect(run.stdout).toBe('');
    },
    180_000,
  );
});

describe('training progress', () => {
  it('the LSTM reports epoch, loss and time left as plain lines when stderr is not a terminal', async () => {
    const lstm = file('lstm.tdm');
    const run = ok(
      await tidemark(['train', '--input', file('history.csv'), '--detector', 'lstm', '--model', lstm]),
    );
    const epochs = run.stderr.split('\n').filter((line) => line.includes('epoch'));
    expect(epochs.length).toBeGreaterThan(0);
    for (const line of epochs) expect(line).toMatch(/^ {2}lstm: epoch \d+\/8, loss \d+\.\d{4}, ~\d+ s left$/);
    expect(run.stderr).not.toContain('\r');
    expect(JSON.parse(readFileSync(lstm, 'utf8'))).toMatchObject({ detector: 'lstm' });
    const quiet = ok(
      await tidemark([
        'train',
        '--input',
        file('history.csv'),
        '--detector',
        'robust',
        '--model',
        lstm,
        '--quiet',
      ]),
    );
    expect(quiet.stderr).toBe('');
  }, 240_000);
});
