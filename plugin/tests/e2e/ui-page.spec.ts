import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { InfluxdInstance } from '../../../scorer/test/influxd';
import { TEST_IDS } from '../../src/constants/tests';
import { opaquePixelsPerCanvas, SCREENSHOTS } from '../harness';
import { DATABASE, END, type Scorer, seedInflux, startInfluxd, startScorer } from './stack';

/** The scorer's /ui page in Chromium: the real `tidemark serve` against a real influxd. */
const TOKEN = 'ui-token-0123456789abcdef';
const ids = TEST_IDS.uiPage;

test.describe('the /ui page', () => {
  test.describe.configure({ timeout: 200_000 });

  let influx: InfluxdInstance;
  let plain: Scorer;
  let withUi: Scorer;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    influx = await startInfluxd();
    await seedInflux(influx);
    // One after the other: two starting at once on a busy machine can miss the start-up deadline.
    plain = await startScorer(influx.url, TOKEN);
    withUi = await startScorer(influx.url, TOKEN, { UI_ENABLED: 'true' });
  });
  test.afterAll(async () => {
    await Promise.all([plain?.stop(), withUi?.stop()]);
    await influx?.stop();
  });

  test('is off unless UI_ENABLED is set', async ({ request }) => {
    for (const path of ['/ui', '/ui/ui.js']) {
      const response = await request.get(`${plain.url}${path}`);
      expect(response.status(), path).toBe(404);
      expect(response.headers()['content-type']).toContain('application/problem+json');
    }
  });

  test('holds no data or token itself; the API it reads refuses a call without the token', async ({
    page,
    request,
  }) => {
    const html = await request.get(`${withUi.url}/ui`);
    expect(html.status()).toBe(200);
    expect(html.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await html.text()).not.toContain(TOKEN);
    expect((await request.get(`${withUi.url}/api/v1/schema/databases`)).status()).toBe(401);

    await page.goto(`${withUi.url}/ui`);
    await page.getByTestId(ids.token).fill('not-the-token-0123456789');
    await page.getByTestId(ids.token).dispatchEvent('change');
    await expect(page.getByTestId(ids.status)).toContainText('refused the token (401)');
  });

  test('draws the series, band, anomalies and score of a query picked from the scorer’s schema', async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width: 1100, height: 640 });
    const fragment = new URLSearchParams({ token: TOKEN, range: '24h', end: String(END) });
    await page.goto(`${withUi.url}/ui#${fragment}`);
    // The token leaves the address bar at once and is nowhere in the page's markup.
    await expect.poll(() => page.url()).not.toContain(TOKEN);
    expect(await page.content()).not.toContain(TOKEN);

    await expect(page.getByTestId(ids.database).locator('option', { hasText: DATABASE })).toHaveCount(1);
    await page.getByTestId(ids.database).selectOption(DATABASE);
    await expect(page.getByTestId(ids.measurement)).toHaveValue('cpu');
    await expect(page.getByTestId(ids.field)).toHaveValue('usage_user');
    await page.getByTestId(ids.groupBy).selectOption('host');
    await page.getByTestId(ids.draw).click();
    // Scoring two days on two busy cores can outlast expect's 5 s; the status says when it is done.
    await expect(page.getByTestId(ids.status)).toContainText(/Scored \d+ series/, { timeout: 60_000 });

    const summary = page.getByTestId(ids.summary);
    await expect(summary.locator('li')).toHaveCount(2);
    await expect(summary).toContainText('host=web-1');
    const web1 = (await summary.locator('li', { hasText: 'web-1' }).textContent()) ?? '';
    expect(Number(/(\d+) anomal/.exec(web1)?.[1])).toBeGreaterThan(0);
    const drawn = await opaquePixelsPerCanvas(page);
    expect(drawn).toHaveLength(2); // value plot with its band, score track
    for (const pixels of drawn) expect(pixels).toBeGreaterThan(500);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-page.png'), fullPage: true });
  });
  test('a late answer to an earlier schema load does not undo the user’s picks', async ({ page }) => {
    // The page loads the first database's measurements on its own; the user picks another database
    // before that answer comes. Holding the first answer (the real one, from the scorer) until the user
    // has picked everything makes the order certain, as a slow network would.
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    await page.route('**/api/v1/schema/measurements?*', async (route) => {
      if (held++ === 0) await released;
      await route.continue();
    });
    const fragment = new URLSearchParams({ token: TOKEN, range: '24h', end: String(END) });
    await page.goto(`${withUi.url}/ui#${fragment}`);
    const database = page.getByTestId(ids.database);
    await expect(database.locator('option', { hasText: DATABASE })).toHaveCount(1);
    await expect.poll(() => held).toBe(1);
    await database.selectOption(DATABASE);
    await expect(page.getByTestId(ids.field)).toHaveValue('usage_user');
    await page.getByTestId(ids.groupBy).selectOption('host');

    release();
    const status = page.getByTestId(ids.status);
    await expect(status).toHaveText('', { timeout: 30_000 }); // every load has finished
    await expect(database).toHaveValue(DATABASE);
    await expect(page.getByTestId(ids.measurement)).toHaveValue('cpu');
    await expect(page.getByTestId(ids.groupBy)).toHaveValue('host');
    await page.getByTestId(ids.draw).click();
    await expect(status).toContainText(/Scored \d+ series/, { timeout: 60_000 });
    await expect(page.getByTestId(ids.summary).locator('li')).toHaveCount(2);
  });
});
