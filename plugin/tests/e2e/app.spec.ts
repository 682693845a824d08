import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { TEST_IDS } from '../../src/constants/tests';
import type { GrafanaRole } from '../grafana-routes';
import { countPixels, harnessColors, hexToRgb, SCREENSHOTS, screenshotForDocs } from '../harness';
import { type SignedInStack, startSignedInStack } from './signed-in';
import { DATABASE, END, existsSync, MINUTE, SCORER_ENTRY, SPIKE } from './stack';

/**
 * The app page and the panel's marking flow, in Chromium → the proxy stand-in (Grafana's proxy
 * contract, with the signed-in user's ID token forwarded as Grafana's `idForwarding` does) → the
 * real `tidemark serve` → a real influxd. One stack, the steps in order, as a user would take them:
 * an Editor defines a paused detector, backtests it at two sensitivities, adopts one, marks the
 * flagged spike not an anomaly from the backtest's plot, plans maintenance, sees the mark, downloads the alert rule and creates it in Grafana with one click (the
 * stand-in for Grafana's alerting provisioning API checks the documented body), enables the
 * detector, trains a model with live progress and cancels it, and rolls a model back; a Viewer then
 * sees all of it and no action, and the proxy and the scorer refuse a Viewer's write. The panel's
 * own marking flow is panel-marks.spec.ts. Grafana cannot run here; its boot data (the org role),
 * router, proxy and alerting API are stood in for per its docs.
 */
const TOKEN = 'e2e-app-token-0123456789ab';
/** The browser's clock: an hour after the seeded data ends, so "the last 2d" holds all of it. */
const NOW = END + 60 * MINUTE;
const SERIES = 'cpu usage_user {host=web-1}';
/**
 * Hosts of a second measurement the LSTM is trained on: one LSTM fit takes about a second, so the
 * job must span many series for its progress to be seen and for it to be cancelled mid-run.
 */
const FLEET_HOSTS = 24;

/** Two days of one-minute data for `FLEET_HOSTS` hosts of `fleet`, the fixture's daily wave. */
async function seedFleet(influxUrl: string): Promise<void> {
  const start = END - 2 * 24 * 60 * MINUTE;
  for (let h = 0; h < FLEET_HOSTS; h++) {
    const lines: string[] = [];
    for (let t = start; t < END; t += MINUTE) {
      const i = (t - start) / MINUTE;
      const value =
        20 + h + 10 * Math.sin((2 * Math.PI * i) / 1440) + (((i * 7919 + h * 104_729) % 1000) / 1000 - 0.5);
      lines.push(
        `fleet,host=node-${String(h).padStart(2, '0')} usage_user=${value.toFixed(3)} ${t * 1_000_000}`,
      );
    }
    const response = await fetch(`${influxUrl}/write?db=${DATABASE}&precision=ns`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    if (response.status !== 204) throw new Error(`write failed: ${response.status} ${await response.text()}`);
  }
}

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('the app page and marks, end to end', () => {
  test.skip(!existsSync(SCORER_ENTRY), 'the scorer has no HTTP app yet (scorer/app.ts)');

  let stack: SignedInStack;
  /** The scorer's own view, read as an Admin through the proxy. */
  const scorerGet = (path: string) => stack.get(path);

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startSignedInStack(TOKEN);
    await seedFleet(stack.influx.url);
  });

  test.afterAll(async () => {
    await stack?.stop();
  });

  async function open(page: Page, role: GrafanaRole, query: Record<string, string> = {}) {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.clock.setFixedTime(NOW);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(
      `${stack.proxies[role].url}/index.html?${new URLSearchParams({ view: 'app', role, width: '1200', ...query })}`,
    );
    return errors;
  }

  const pick = async (page: Page, testId: string, option: string) => {
    await page.getByTestId(testId).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  const shoot = screenshotForDocs;

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

  test('an Editor backtests two sensitivities side by side, adopts one and marks the spike from its plot', async ({
    page,
  }) => {
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

    // The spike was a deploy: pin its tooltip on the backtest's plot and mark it not an anomaly
    // (hover first: uPlot moves its cursor on the next animation frame; see panel.spec.ts). The
    // plot has several points per pixel; the cursor snaps to the flagged one under it.
    const spike = (await countPixels(page, 1, red)).first!;
    const box = (await page.locator('canvas').nth(1).boundingBox())!;
    await page.mouse.move(box.x + spike.x + 1, box.y + spike.y + 4);
    const tooltip = page.getByTestId(TEST_IDS.panel.tooltip);
    await expect(tooltip).toContainText('Anomaly');
    await page.mouse.down();
    await page.mouse.up();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 80);
    // web-1 (flagged) comes first in the tooltip; web-2 beside it offers "missed".
    await expect(tooltip.getByTestId(TEST_IDS.panel.mark).first()).toHaveText('Mark: not an anomaly');
    await tooltip.getByTestId(TEST_IDS.panel.markNote).first().fill('deploy, expected');
    await tooltip.getByTestId(TEST_IDS.panel.mark).first().click();
    await expect(tooltip.getByTestId(TEST_IDS.panel.markDone)).toContainText('Marked “not an anomaly”');
    const { marks } = await scorerGet('/api/v1/marks?detector=cpu-watch');
    expect(marks).toEqual([
      expect.objectContaining({
        series: SERIES,
        kind: 'not-anomaly',
        note: 'deploy, expected',
        createdBy: 'user:editor',
      }),
    ]);
    expect(marks[0].from).toBeLessThanOrEqual(SPIKE);
    expect(marks[0].to).toBeGreaterThanOrEqual(SPIKE);
    expect(errors).toEqual([]);
  });

  test('an Editor plans maintenance, sees the mark, takes the alert rule and enables the detector', async ({
    page,
  }) => {
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
    // One click creates it in Grafana (the provisioning API stand-in checks the documented body).
    await page.getByTestId(TEST_IDS.app.alertRuleCreate).click();
    await expect(page.getByTestId(TEST_IDS.app.alertRuleResult)).toHaveText('tidemark-cpu-watch');
    expect(stack.alerting.received).toHaveLength(1);
    const [{ headers, rule }] = stack.alerting.received as [(typeof stack.alerting.received)[number]];
    expect(headers).toEqual({ 'content-type': 'application/json', 'x-disable-provenance': 'true' });
    expect(rule).toMatchObject({
      uid: 'tidemark-cpu-watch',
      orgID: 1,
      folderUID: 'Tidemark',
      condition: 'C',
      labels: { source: 'tidemark', detector: 'cpu-watch' },
    });
    const queries = rule.data as Array<{ refId: string; datasourceUid: string; model: { query?: string } }>;
    expect(queries.find((q) => q.refId === 'A')).toMatchObject({
      datasourceUid: 'influx', // the InfluxDB data source picked in the form
      model: { query: expect.stringMatching(/max\("anomaly"\).*"detector"::tag = 'cpu-watch'/) },
    });
    await shoot(page, 'app-alert-rule.png');

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    expect((await scorerGet('/api/v1/detectors/cpu-watch')).enabled).toBe(true);
    expect(errors).toEqual([]);
  });

  test('an Editor trains a model with live progress and cancels it, trains twice and rolls back', async ({
    page,
  }) => {
    const train = async (detector: string, groupBy: boolean, measurement = 'cpu') => {
      await page.getByRole('tab', { name: 'Models and training' }).click();
      await pick(page, TEST_IDS.queryEditor.database, DATABASE);
      await pick(page, TEST_IDS.queryEditor.measurement, measurement);
      await pick(page, TEST_IDS.queryEditor.field, 'usage_user');
      if (groupBy) await pick(page, TEST_IDS.queryEditor.groupBy, 'host');
      await pick(page, TEST_IDS.queryEditor.detector, detector);
      await page.getByTestId(TEST_IDS.app.trainHistory).fill('2d');
      await page.getByTestId(TEST_IDS.app.trainSubmit).click();
    };
    // The LSTM reports each epoch: the bar, epoch, loss and ETA follow it live; then Cancel.
    let errors = await open(page, 'Editor');
    await train('LSTM forecaster', true, 'fleet');
    const jobs = page.getByTestId(TEST_IDS.app.jobs);
    await expect(jobs.getByTestId(TEST_IDS.app.jobFit)).toContainText(/Epoch \d+\/\d+ · loss \d/, {
      timeout: 90_000,
    });
    await expect(jobs.getByTestId(TEST_IDS.app.jobProgress)).toHaveAttribute('aria-valuenow', /\d+/);
    await shoot(page, 'app-training.png');
    await jobs.getByRole('button', { name: 'Cancel' }).click();
    await expect(jobs.locator('tbody tr').first()).toContainText('cancelled', { timeout: 60_000 });
    const [cancelled] = (await scorerGet('/api/v1/jobs')).jobs;
    expect(cancelled).toMatchObject({ status: 'cancelled', request: { detector: { id: 'lstm' } } });
    // Cancelled before every host was trained: nothing more is stored.
    const lstmModels = (await scorerGet('/api/v1/models')).models.filter(
      (m: { detector: string }) => m.detector === 'lstm',
    );
    expect(lstmModels.length).toBeLessThan(FLEET_HOSTS);
    expect(errors).toEqual([]);

    // Two trainings of the same series keep two versions; roll back to the first.
    errors = await open(page, 'Editor');
    for (const done of [2, 3]) {
      await train('Isolation forest', false);
      await expect(jobs.locator('tbody tr')).toHaveCount(done);
      await expect(jobs.locator('tbody tr').first()).toContainText('succeeded', { timeout: 60_000 });
    }
    const row = page.getByTestId(TEST_IDS.app.modelRow).filter({ hasText: 'isolation-forest' });
    await expect(row).toContainText('2 of 2 kept');
    // dispatched: an icon-only button has no size without Grafana's public folder (its icons)
    await row.getByRole('button', { name: 'Show versions' }).dispatchEvent('click');
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await expect(row).toContainText('1 of 2 kept');
    await expect(page.getByTestId(TEST_IDS.app.versions)).toContainText('v1 (current)');
    await shoot(page, 'app-versions.png');
    const model = (await scorerGet('/api/v1/models')).models.find(
      (m: { detector: string }) => m.detector === 'isolation-forest',
    );
    expect(model).toMatchObject({ detector: 'isolation-forest', version: 1 });
    expect(model.versions.map((v: { version: number }) => v.version).sort()).toEqual([1, 2]);
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
    const direct = await fetch(`${stack.scorer.url}/api/v1/detectors/cpu-watch/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-grafana-id': stack.idToken('Viewer') },
    });
    expect(direct.status).toBe(403);
    expect((await scorerGet('/api/v1/detectors/cpu-watch')).enabled).toBe(true);
    expect(errors).toEqual([]);
  });
});
