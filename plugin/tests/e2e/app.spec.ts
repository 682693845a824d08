import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import {
  createSigningKey,
  grafanaClaims,
  type JwksServer,
  signIdToken,
  startJwksServer,
} from '../../../scorer/test/grafana-jwks';
import type { InfluxdInstance } from '../../../scorer/test/influxd';
import { TEST_IDS } from '../../src/constants/tests';
import datasourcePluginJson from '../../src/datasource/plugin.json';
import type { GrafanaRole } from '../grafana-routes';
import { countPixels, harnessColors, hexToRgb, SCREENSHOTS } from '../harness';
import { type GrafanaProxy, startGrafanaProxy } from './grafana-proxy';
import {
  DATABASE,
  END,
  existsSync,
  MINUTE,
  SCORER_ENTRY,
  type Scorer,
  SPIKE,
  seedInflux,
  startInfluxd,
  startScorer,
} from './stack';

/**
 * The app page and the panel's marking flow, in Chromium → the proxy stand-in (Grafana's proxy
 * contract, with the signed-in user's ID token forwarded as Grafana's `idForwarding` does) → the
 * real `tidemark serve` → a real influxd. One stack, the steps in order, as a user would take them:
 * an Editor defines a paused detector, backtests it at two sensitivities, adopts one, marks a false
 * positive, plans maintenance, takes the alert rule and enables the detector; a
 * Viewer then sees all of it and no action, and the proxy and the scorer refuse a Viewer's write.
 * Grafana cannot run here; its boot data (the org role) and proxy are stood in for per its docs.
 */
const TOKEN = 'e2e-app-token-0123456789ab';
const HARNESS = join(__dirname, '..', 'harness', 'dist');
const DOCS_IMAGES = join(__dirname, '..', '..', '..', 'docs', 'images');
/** The browser's clock: an hour after the seeded data ends, so "the last 2d" holds all of it. */
const NOW = END + 60 * MINUTE;
const SERIES = 'cpu usage_user {host=web-1}';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('the app page and marks, end to end', () => {
  test.skip(!existsSync(SCORER_ENTRY), 'the scorer has no HTTP app yet (scorer/app.ts)');

  let influx: InfluxdInstance;
  let grafana: JwksServer;
  let scorer: Scorer;
  const proxies = {} as Record<GrafanaRole, GrafanaProxy>;
  const key = createSigningKey('e2e-grafana');
  const idToken = (role: GrafanaRole) =>
    signIdToken(key, grafanaClaims(grafana.url, { role, sub: `user:${role.toLowerCase()}` }));

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
    influx = await startInfluxd();
    await seedInflux(influx);
    grafana = await startJwksServer([key]);
    scorer = await startScorer(influx.url, TOKEN, { GRAFANA_URL: grafana.url });
    for (const role of ['Viewer', 'Editor', 'Admin'] as const) {
      proxies[role] = await startGrafanaProxy(
        {
          uid: 'tm',
          jsonData: { scorerUrl: scorer.url },
          secureJsonData: { token: TOKEN },
          routes: datasourcePluginJson.routes,
          role,
          idToken: { token: () => idToken(role), orgId: 1 },
        },
        HARNESS,
      );
    }
  });

  test.afterAll(async () => {
    await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    await scorer?.stop();
    await grafana?.close();
    await influx?.stop();
  });

  /** The scorer's own view, read as an Admin through the proxy. */
  const scorerGet = async (path: string) => {
    const response = await fetch(`${proxies.Admin.url}/api/datasources/proxy/uid/tm/scorer${path}`);
    expect(response.status, path).toBe(200);
    return response.json();
  };

  async function open(page: Page, role: GrafanaRole, query: Record<string, string> = {}) {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.clock.setFixedTime(NOW);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(
      `${proxies[role].url}/index.html?${new URLSearchParams({ view: 'app', role, width: '1200', ...query })}`,
    );
    return errors;
  }

  const pick = async (page: Page, testId: string, option: string) => {
    await page.getByTestId(testId).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  const shoot = async (page: Page, name: string) => {
    await page.locator('#harness').screenshot({ path: join(SCREENSHOTS, name) });
    mkdirSync(DOCS_IMAGES, { recursive: true });
    copyFileSync(join(SCREENSHOTS, name), join(DOCS_IMAGES, name));
  };

  test('an Editor defines a paused detector with the query editor and previews it', async ({ page }) => {
    const errors = await open(page, 'Editor');
    await expect(page.getByTestId(TEST_IDS.app.role)).toHaveText('Signed in as Editor');
    await page.getByTestId(TEST_IDS.app.detectorNew).click();
    await page.getByTestId(TEST_IDS.app.detectorId).fill('cpu-watch');
    await pick(page, TEST_IDS.queryEditor.database, DATABASE);
    await pick(page, TEST_IDS.queryEditor.measurement, 'cpu');
    await pick(page, TEST_IDS.queryEditor.field, 'usage_user');
    await pick(page, TEST_IDS.queryEditor.groupBy, 'host');
    await pick(page, TEST_IDS.queryEditor.detector, 'Robust seasonal baseline');
    const form = page.getByTestId(TEST_IDS.app.detectorForm);
    await form.getByRole('switch').uncheck({ force: true }); // created paused: backtest first
    await page.getByTestId(TEST_IDS.app.detectorPreview).click();
    const preview = page.getByTestId(TEST_IDS.app.detectorPreviewPlot);
    await expect(preview.getByTestId(TEST_IDS.panel.root)).toBeVisible({ timeout: 60_000 });
    await expect(preview.getByTestId(TEST_IDS.panel.legendItem)).toHaveCount(2);
    await shoot(page, 'app-detector-form.png');

    await page.getByTestId(TEST_IDS.app.detectorSave).click();
    const row = page.getByTestId(TEST_IDS.app.detectorRow);
    await expect(row).toContainText('cpu-watch');
    await expect(row).toContainText('disabled');
    const { detectors } = await scorerGet('/api/v1/detectors');
    expect(detectors).toMatchObject([
      {
        id: 'cpu-watch',
        enabled: false,
        query: { database: DATABASE, measurement: 'cpu', field: 'usage_user', groupBy: ['host'] },
        detector: { id: 'robust' },
      },
    ]);
    expect(errors).toEqual([]);
  });

  test('an Editor backtests two sensitivities side by side and adopts one', async ({ page }) => {
    const errors = await open(page, 'Editor');
    await page.getByRole('tab', { name: 'Backtest' }).click();
    await page.getByRole('textbox').first().fill('2d');
    await page.getByTestId(TEST_IDS.app.backtestRun).click();
    const results = page.getByTestId(TEST_IDS.app.backtestResult);
    await expect(results).toHaveCount(2);
    await expect(page.getByTestId(TEST_IDS.app.backtestSummary)).toHaveCount(2, { timeout: 90_000 });
    await expect(results.nth(0)).toContainText('Sensitivity medium (flags ≥ 70)');
    await expect(results.nth(1)).toContainText('Sensitivity high (flags ≥ 55)');
    // The series are drawn with the flagged regions on both sides.
    await expect(page.getByTestId(TEST_IDS.panel.root)).toHaveCount(2, { timeout: 60_000 });
    const colors = await harnessColors(page);
    const red = hexToRgb(colors.anomaly);
    const canvases = await page.locator('canvas').count();
    expect(canvases).toBe(2); // no score track: one plot per side
    for (const side of [0, 1]) {
      expect((await countPixels(page, side, red)).solid, `flagged points, side ${side}`).toBeGreaterThan(0);
    }
    const flagged = await Promise.all(
      [0, 1].map(async (i) =>
        Number(
          (await results
            .nth(i)
            .getByTestId(TEST_IDS.app.backtestSummary)
            .locator('td')
            .first()
            .textContent()) ?? 0,
        ),
      ),
    );
    expect(flagged[1], 'high sensitivity flags at least as many regions').toBeGreaterThanOrEqual(flagged[0]!);
    await shoot(page, 'app-backtest.png');

    await results.nth(1).getByTestId(TEST_IDS.app.backtestAdopt).click();
    await expect(results.nth(1).getByTestId(TEST_IDS.app.backtestAdopt)).toHaveText(
      'The detector uses this sensitivity',
    );
    const detector = await scorerGet('/api/v1/detectors/cpu-watch');
    expect(detector.detector.params.sensitivity).toBe('high');
    expect(errors).toEqual([]);
  });

  test('an Editor plans maintenance, sees the mark, takes the alert rule and enables the detector', async ({
    page,
  }) => {
    // The mark the buttons of a pinned bands-panel tooltip make (pinning itself: panel.spec.ts):
    // the same call, through the Editor's proxy route.
    const marked = await fetch(`${proxies.Editor.url}/api/datasources/proxy/uid/tm/scorer/api/v1/marks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        detector: 'cpu-watch',
        series: SERIES,
        kind: 'not-anomaly',
        from: SPIKE,
        to: SPIKE,
        note: 'deploy, expected',
      }),
    });
    expect(marked.status).toBe(201);
    expect((await marked.json()).createdBy).toBe('user:editor');
    const errors = await open(page, 'Editor');
    await page.getByRole('tab', { name: 'Maintenance windows' }).click();
    await page.getByTestId(TEST_IDS.app.maintenanceNew).click();
    await page.getByTestId(TEST_IDS.app.maintenanceId).fill('sunday-patching');
    await page.getByTestId(TEST_IDS.app.maintenanceSave).click();
    await expect(page.getByTestId(TEST_IDS.app.maintenanceRow)).toContainText('every sun 02:00–04:00 UTC');
    await shoot(page, 'app-maintenance.png');
    const { windows } = await scorerGet('/api/v1/maintenance-windows');
    expect(windows).toMatchObject([{ id: 'sunday-patching', schedule: { type: 'weekly', days: ['sun'] } }]);

    await page.getByRole('tab', { name: 'Marks' }).click();
    await expect(page.getByTestId(TEST_IDS.app.markRow)).toContainText('Marked not an anomaly');
    await expect(page.getByTestId(TEST_IDS.app.markRow)).toContainText(SERIES);

    await page.getByRole('tab', { name: 'Continuous detectors' }).click();
    await page.getByRole('button', { name: 'Alert rule' }).click();
    const download = page.waitForEvent('download');
    await page.getByTestId(TEST_IDS.app.alertRuleDownload).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('tidemark-cpu-watch.yaml');
    const yaml = await (await file.createReadStream())
      .toArray()
      .then((chunks) => Buffer.concat(chunks).toString());
    expect(yaml).toMatch(/^apiVersion: 1/m);
    expect(yaml).toContain('cpu-watch');
    await shoot(page, 'app-alert-rule.png');

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    expect((await scorerGet('/api/v1/detectors/cpu-watch')).enabled).toBe(true);
    expect(errors).toEqual([]);
  });

  test('a Viewer sees everything and no action; the proxy and the scorer refuse a Viewer’s write anyway', async ({
    page,
  }) => {
    const errors = await open(page, 'Viewer');
    await expect(page.getByTestId(TEST_IDS.app.role)).toHaveText('Signed in as Viewer: read only');
    await expect(page.getByTestId(TEST_IDS.app.detectorRow)).toContainText('cpu-watch');
    const actions = /New|Edit|Pause|Resume|Delete|Run backtests|Remove|Train|Roll back|Create alert rule/;
    await expect(page.getByRole('button', { name: actions })).toHaveCount(0);
    for (const tab of ['Backtest', 'Maintenance windows', 'Marks', 'Models and training']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByRole('button', { name: actions })).toHaveCount(0);
    }
    await expect(page.getByTestId(TEST_IDS.app.markRow)).toHaveCount(0); // on the models tab now
    await page.getByRole('tab', { name: 'Marks' }).click();
    await expect(page.getByTestId(TEST_IDS.app.markRow)).toHaveCount(1);
    await shoot(page, 'app-viewer.png');

    // Grafana's route refuses it before the scorer…
    const refused = await page.evaluate(async () => {
      const response = await fetch('/api/datasources/proxy/uid/tm/scorer/api/v1/detectors/cpu-watch/pause', {
        method: 'POST',
      });
      return response.status;
    });
    expect(refused).toBe(403);
    // …and the scorer refuses a Viewer's ID token on its own.
    const direct = await fetch(`${scorer.url}/api/v1/detectors/cpu-watch/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-grafana-id': idToken('Viewer') },
    });
    expect(direct.status).toBe(403);
    expect((await scorerGet('/api/v1/detectors/cpu-watch')).enabled).toBe(true);
    expect(errors).toEqual([]);
  });
});
