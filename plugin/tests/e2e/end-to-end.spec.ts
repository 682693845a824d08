import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { InfluxdInstance } from '../../../scorer/test/influxd';
import { TEST_IDS } from '../../src/constants/tests';
import datasourcePluginJson from '../../src/datasource/plugin.json';
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
 * The real data source code, in Chromium → the proxy stand-in (Grafana's proxy contract: route
 * headers injected, browser auth stripped, 401 → 400) → the real scorer → a real influxd.
 */
const TOKEN = 'e2e-token-0123456789abcdef';
const HARNESS = join(__dirname, '..', 'harness', 'dist');

test.describe('end to end', () => {
  test.skip(!existsSync(SCORER_ENTRY), 'the scorer has no HTTP app yet (scorer/app.ts)');
  test.describe.configure({ timeout: 120_000 });

  let influx: InfluxdInstance;
  let scorer: Scorer;
  let proxy: GrafanaProxy;
  let badProxy: GrafanaProxy;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    influx = await startInfluxd();
    await seedInflux(influx);
    scorer = await startScorer(influx.url, TOKEN);
    const settings = (token: string) => ({
      uid: 'tm',
      jsonData: { scorerUrl: scorer.url },
      secureJsonData: { token },
      routes: datasourcePluginJson.routes,
    });
    proxy = await startGrafanaProxy(settings(TOKEN), HARNESS);
    badProxy = await startGrafanaProxy(settings('not-the-right-token-000'), HARNESS);
  });

  test.afterAll(async () => {
    await Promise.all([proxy?.close(), badProxy?.close()]);
    await scorer?.stop();
    await influx?.stop();
  });

  const page = (base: string) =>
    `${base}/index.html?${new URLSearchParams({
      view: 'e2e',
      database: DATABASE,
      measurement: 'cpu',
      field: 'usage_user',
      groupBy: 'host',
      detector: 'robust',
      from: String(END - 6 * 60 * MINUTE),
      to: String(END),
      intervalMs: String(MINUTE),
    })}`;

  test('scores InfluxDB data through the proxy and draws bands and the anomaly', async ({
    page: browser,
  }) => {
    await browser.goto(page(proxy.url));
    await browser.waitForFunction(() => 'e2e' in window, undefined, { timeout: 90_000 });
    const result = await browser.evaluate(() => (window as unknown as { e2e: Record<string, unknown> }).e2e);
    expect(result.failure).toBeUndefined();
    expect(result.health).toEqual({
      status: 'success',
      message: 'Scorer reachable, token accepted, InfluxDB reachable.',
    });
    expect(result.errors).toEqual([]);
    expect(result.measurements).toContain('cpu');
    const frames = result.frames as Array<{
      name: string;
      length: number;
      fields: string[];
      anomalies: number;
    }>;
    expect(frames.map((f) => f.name).sort()).toEqual([
      'cpu usage_user {host=web-1}',
      'cpu usage_user {host=web-2}',
    ]);
    for (const frame of frames) {
      expect(frame.fields).toEqual(['time', 'value', 'expected', 'lower', 'upper', 'score', 'anomaly']);
      expect(frame.length).toBeGreaterThan(300);
    }
    expect(frames.find((f) => f.name.includes('web-1'))?.anomalies).toBeGreaterThanOrEqual(1);

    await expect(browser.getByTestId(TEST_IDS.panel.root)).toBeVisible();
    const colors = await harnessColors(browser);
    const anomalies = await countPixels(browser, 0, hexToRgb(colors.anomaly));
    expect(anomalies.solid, 'the spike is marked').toBeGreaterThan(0);
    expect((await countPixels(browser, 0, hexToRgb(colors.palette[0]!))).translucent, 'band').toBeGreaterThan(
      5_000,
    );
    await browser.locator('#harness').screenshot({ path: join(SCREENSHOTS, 'end-to-end.png') });
    expect(SPIKE).toBeGreaterThan(END - 6 * 60 * MINUTE);
  });

  test('a wrong token is reported as such (the scorer’s 401 arrives as Grafana’s 400)', async ({
    page: browser,
  }) => {
    await browser.goto(page(badProxy.url));
    await browser.waitForFunction(() => 'e2e' in window, undefined, { timeout: 60_000 });
    const result = await browser.evaluate(() => (window as unknown as { e2e: { health: unknown } }).e2e);
    expect(result.health).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/rejected the token/),
    });
  });
});
