/**
 * The scorer's read-only page at /ui (UI_ENABLED=true): one query's series with its band, anomalies
 * and score, drawn by the bands panel's own plot code without Grafana. Bundled by
 * plugin/scripts/build-ui.mjs into scorer/ui/dist/, which the scorer serves (scorer/routes/ui.ts).
 *
 * The API token comes from the URL fragment (`#token=…`, which browsers never send to a server) or
 * the token field. It lives in this page's memory only: removed from the address bar at once, never
 * stored, sent only as the bearer token of the page's own calls to the scorer's API.
 */
import 'uplot/dist/uPlot.min.css';
import { createTheme } from '@grafana/data';
import type { ScoreResponse } from '@tidemark/core';
import uPlot from 'uplot';
import { TEST_IDS } from '../constants/tests';
import { framesFromResponse } from '../datasource/frames';
import { toScoreRequest } from '../datasource/request';
import { DEFAULT_QUERY, type TidemarkQuery } from '../datasource/types';
import { seriesFromFrames } from '../panel/model';
import { plotColors } from '../panel/plot/colors';
import { buildMainPlot, buildScorePlot, type PlotInput } from '../panel/plot/config';
import { DEFAULT_OPTIONS } from '../panel/types';

const theme = createTheme({ colors: { mode: 'dark' } });
const RANGES: Record<string, number> = { '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
const POINTS = 600;

/** `#token=…&database=…&measurement=…&field=…&groupBy=…&range=6h|24h|7d&end=<ms>`, read once; the token then leaves the URL. */
const fragment = new URLSearchParams(window.location.hash.slice(1));
if (fragment.has('token')) {
  const rest = new URLSearchParams(fragment);
  rest.delete('token');
  history.replaceState(null, '', `${window.location.pathname}${rest.size ? `#${rest}` : ''}`);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, testId: string, attributes: object = {}) {
  const node = Object.assign(document.createElement(tag), attributes);
  node.setAttribute('data-testid', testId);
  return node;
}

function labelled(text: string, control: HTMLElement) {
  const label = document.createElement('label');
  label.append(text, control);
  return label;
}

const ids = TEST_IDS.uiPage;
const controls = {
  token: element('input', ids.token, { type: 'password', placeholder: 'API token', autocomplete: 'off' }),
  database: element('select', ids.database),
  measurement: element('select', ids.measurement),
  field: element('select', ids.field),
  groupBy: element('select', ids.groupBy),
  range: element('select', ids.range),
  draw: element('button', ids.draw, { type: 'submit', textContent: 'Draw' }),
};
const status = element('p', ids.status, { role: 'status' });
const plot = element('div', ids.plot);
const summary = element('ul', ids.summary);
controls.token.value = fragment.get('token') ?? '';

class ApiError extends Error {}

/** The scorer's API on this origin, with the token as bearer; problem+json answers become the message. */
async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${controls.token.value.trim()}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) {
    throw new ApiError('The scorer refused the token (401): enter one of its TIDEMARK_TOKENS above.');
  }
  if (!response.ok)
    throw new ApiError(`${response.status}: ${answer.detail ?? answer.title ?? 'request failed'}`);
  return answer as T;
}

async function schema(kind: string, params: Record<string, string> = {}): Promise<string[]> {
  const { values } = await api<{ values: string[] }>('GET', `/schema/${kind}?${new URLSearchParams(params)}`);
  return values;
}

/** Offers `values`, keeping the user's current pick when it is still offered, else `preferred` (from the URL). */
function fill(select: HTMLSelectElement, values: string[], preferred?: string | null, empty?: string) {
  const options = empty === undefined ? values : ['', ...values];
  const kept = [select.value, preferred].find((value) => value && options.includes(value));
  select.replaceChildren(...options.map((value) => new Option(value === '' ? (empty ?? '') : value, value)));
  if (kept) select.value = kept;
}

/**
 * Runs one picker's load; resolves to undefined when a newer load of the same picker started meanwhile
 * (the user picked again while the older answer was on its way), so a late answer never undoes a pick.
 */
const loads = new Map<string, number>();
async function latest<T>(picker: string, load: () => Promise<T>): Promise<T | undefined> {
  const ticket = (loads.get(picker) ?? 0) + 1;
  loads.set(picker, ticket);
  const value = await load();
  return loads.get(picker) === ticket ? value : undefined;
}

async function loadDatabases() {
  const databases = await latest('databases', () => schema('databases'));
  if (!databases) return;
  fill(controls.database, databases, fragment.get('database'));
  await loadMeasurements();
}

async function loadMeasurements() {
  const database = controls.database.value;
  const measurements = await latest('measurements', async () =>
    database ? schema('measurements', { database }) : [],
  );
  if (!measurements) return;
  fill(controls.measurement, measurements, fragment.get('measurement'));
  await loadFields();
}

async function loadFields() {
  const params = { database: controls.database.value, measurement: controls.measurement.value };
  const ready = params.database && params.measurement;
  const lists = await latest('fields', async () =>
    ready ? Promise.all([schema('fields', params), schema('tag-keys', params)]) : [[], []],
  );
  if (!lists) return;
  fill(controls.field, lists[0], fragment.get('field'));
  fill(controls.groupBy, lists[1], fragment.get('groupBy'), 'no grouping');
}

let plots: uPlot[] = [];

async function draw() {
  const to = Number(fragment.get('end')) || Date.now();
  const from = to - (RANGES[controls.range.value] ?? RANGES['24h']!);
  const query: TidemarkQuery = {
    ...DEFAULT_QUERY,
    refId: 'A',
    database: controls.database.value,
    measurement: controls.measurement.value,
    field: controls.field.value,
    groupBy: controls.groupBy.value ? [controls.groupBy.value] : [],
  };
  const response = await api<ScoreResponse>(
    'POST',
    '/score',
    toScoreRequest(query, from, to, (to - from) / POINTS),
  );
  const series = seriesFromFrames(framesFromResponse(response, 'A'));
  for (const old of plots) old.destroy();
  const input: PlotInput = {
    series,
    options: DEFAULT_OPTIONS,
    theme,
    colors: plotColors(theme, series, DEFAULT_OPTIONS),
    width: Math.min(1200, document.body.clientWidth - 32),
    height: 320,
    timeZone: 'browser',
    syncKey: 'tidemark-ui',
  };
  const main = buildMainPlot(input, false);
  const score = buildScorePlot({ ...input, height: 120 });
  plots = [new uPlot(main.opts, main.data, plot), new uPlot(score.opts, score.data, plot)];
  summary.replaceChildren(
    ...series.map((s) => {
      const item = document.createElement('li');
      const top = Math.max(0, ...(s.score ?? []).map((v) => v ?? 0));
      const count = `${s.regions.length} ${s.regions.length === 1 ? 'anomaly' : 'anomalies'}`;
      item.textContent = `${s.title}: ${count}, highest score ${Math.round(top)} · ${s.detector ?? query.detector}`;
      return item;
    }),
  );
  status.textContent = [`Scored ${series.length} series.`, ...response.notices.map((n) => n.text)].join(' ');
}

/** Runs one step, showing what went wrong in the status line instead of failing silently. */
let running = 0;
function attempt(step: () => Promise<void>) {
  running += 1;
  status.textContent = 'Working…';
  step()
    .then(
      () => {
        if (running === 1 && status.textContent === 'Working…') status.textContent = '';
      },
      (error: Error) => {
        status.textContent = error instanceof ApiError ? error.message : `Error: ${error.message}`;
      },
    )
    .finally(() => {
      running -= 1;
    });
}

function layout() {
  fill(controls.range, Object.keys(RANGES), fragment.get('range') ?? '24h');
  const form = document.createElement('form');
  form.append(
    labelled('Token', controls.token),
    labelled('Database', controls.database),
    labelled('Measurement', controls.measurement),
    labelled('Field', controls.field),
    labelled('Group by', controls.groupBy),
    labelled('Range', controls.range),
    controls.draw,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    attempt(draw);
  });
  controls.token.addEventListener('change', () => attempt(loadDatabases));
  controls.database.addEventListener('change', () => attempt(loadMeasurements));
  controls.measurement.addEventListener('change', () => attempt(loadFields));
  const heading = document.createElement('h1');
  heading.textContent = 'Tidemark';
  document.body.style.background = theme.colors.background.canvas;
  document.body.style.color = theme.colors.text.primary;
  document.body.style.fontFamily = theme.typography.fontFamily;
  document.getElementById('root')!.append(heading, form, status, plot, summary);
}

layout();
if (controls.token.value) {
  attempt(async () => {
    await loadDatabases();
    if (controls.field.value && fragment.has('field')) await draw();
  });
}
