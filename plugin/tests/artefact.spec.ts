import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { externals } from '../.config/bundler/externals';
import pkg from '../package.json';
import { TEST_IDS } from '../src/constants/tests';
import { type Served, serveFolders } from './artefact/serve';
import { opaquePixelsPerCanvas, SCREENSHOTS } from './harness';

/**
 * The artefact users install: this run's plugin/dist, loaded as Grafana loads it (SystemJS's AMD
 * extra, shared modules by name, the public path taken from the module's own URL), by the host page
 * tests/artefact/host.tsx. Grafana cannot run here; this follows Grafana's documented loader contract.
 */
const ID = 'tidemark-anomaly-app';
const DIST = join(__dirname, '..', 'dist');
const MODULES = ['module.js', 'datasource/module.js', 'panel/module.js'];
// Where Grafana serves an installed plugin, and where it loads one from its plugin CDN.
const LOCATIONS = {
  installed: `/public/plugins/${ID}/`,
  cdn: `/plugins-cdn/${ID}/${pkg.version}/public/plugins/${ID}/`,
};

test.describe.configure({ timeout: 90_000 });

let server: Served;
test.beforeAll(async () => {
  server = await serveFolders({
    '/': join(__dirname, 'harness', 'dist', 'artefact'),
    [LOCATIONS.installed]: DIST,
    [LOCATIONS.cdn]: DIST,
  });
});
test.afterAll(() => server.close());

/** The AMD dependencies a built module.js declares: `define([...], factory)`. */
function amdDependencies(file: string): string[] {
  const source = readFileSync(join(DIST, file), 'utf8');
  const match = /define\((\[[^\]]*\])/.exec(source);
  if (!match) throw new Error(`${file} is not an AMD module (no define([...]))`);
  return JSON.parse(match[1]!);
}

function isExternal(name: string) {
  return (externals as Array<string | RegExp | Record<string, string> | unknown>).some((entry) =>
    typeof entry === 'string'
      ? entry === name
      : entry instanceof RegExp
        ? entry.test(name)
        : typeof entry === 'object' && entry !== null && Object.values(entry).includes(name),
  );
}

async function openHost(page: Page, view: string, location: string) {
  server.requests.length = 0;
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/?${new URLSearchParams({ view, plugins: location })}`);
  // What SystemJS.import gave for each module.js; the host page is large, so allow it time to parse.
  await expect
    .poll(
      () => page.evaluate(() => (window as unknown as { artefact: { exports: object } }).artefact.exports),
      {
        timeout: 30_000,
      },
    )
    .toEqual({ app: 'AppPlugin', datasource: 'DataSourcePlugin', panel: 'PanelPlugin' });
  return errors;
}

test('each module.js loads through SystemJS with only the modules Grafana shares; the panel draws what the data source scored', async ({
  page,
}) => {
  const errors = await openHost(page, 'panel', LOCATIONS.installed);
  const shared = await page.evaluate(
    () => (window as unknown as { artefact: { shared: string[] } }).artefact.shared,
  );
  for (const file of MODULES) {
    const dependencies = amdDependencies(file).filter((name) => name !== 'module');
    expect(dependencies.length, file).toBeGreaterThan(0);
    for (const name of dependencies) {
      expect(isExternal(name), `${file} imports ${name}, which is not a webpack external`).toBe(true);
      expect(shared, `${file} imports ${name}, which Grafana does not share`).toContain(name);
    }
  }
  await expect(page.getByTestId(TEST_IDS.panel.root)).toBeVisible();
  await expect(page.getByTestId(TEST_IDS.panel.legendItem).first()).toContainText('anomalies');
  const drawn = await opaquePixelsPerCanvas(page);
  expect(drawn.length).toBeGreaterThanOrEqual(2); // value plot and score track
  for (const pixels of drawn) expect(pixels).toBeGreaterThan(500);
  expect(errors).toEqual([]);
  await page.locator('#host').screenshot({ path: join(SCREENSHOTS, 'artefact-panel.png') });
});

test('the query and config editors from the bundle work', async ({ page }) => {
  const errors = await openHost(page, 'query-editor', LOCATIONS.installed);
  await expect(page.getByTestId(TEST_IDS.queryEditor.root)).toContainText('telegraf');
  await page.getByTestId(TEST_IDS.queryEditor.field).click();
  await page.getByRole('option', { name: 'usage_system' }).click();
  expect(
    await page.evaluate(
      () => (window as unknown as { artefact: { query: { field: string } } }).artefact.query.field,
    ),
  ).toBe('usage_system');
  await openHost(page, 'config-editor', LOCATIONS.installed);
  await expect(page.getByTestId(TEST_IDS.configEditor.scorerUrl)).toHaveValue('http://scorer:8080');
  await expect(page.getByTestId(TEST_IDS.configEditor.token)).toHaveValue('configured');
  expect(errors).toEqual([]);
});

// The public path is taken from module.js's own URL: only then do lazy chunks load from wherever Grafana
// loaded the plugin from (its plugin CDN included), not from a folder guessed at build time.
for (const [where, location] of Object.entries(LOCATIONS)) {
  test(`the app page loads its lazy chunks from the folder module.js came from (${where})`, async ({
    page,
  }) => {
    const errors = await openHost(page, 'app', location);
    await expect(page.getByTestId(TEST_IDS.app.page)).toBeVisible();
    await expect(page.getByText('Add a Tidemark Anomaly data source first')).toBeVisible();
    const chunks = server.requests.filter(
      (r) =>
        r.path.endsWith('.js') && !MODULES.some((m) => r.path.endsWith(`/${m}`)) && r.path !== '/host.js',
    );
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(chunk.path.startsWith(location), `${chunk.path} is not under ${location}`).toBe(true);
      expect(chunk.status, chunk.path).toBe(200);
    }
    expect(errors).toEqual([]);
  });
}
