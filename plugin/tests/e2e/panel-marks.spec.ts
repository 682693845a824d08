import { expect, test } from '@playwright/test';
import type { Backtest, BacktestResult, Mark } from '@tidemark/core';
import { TEST_IDS } from '../../src/constants/tests';
import { countPixels, harnessColors, hexToRgb, screenshotForDocs } from '../harness';
import { type SignedInStack, startSignedInStack } from './signed-in';
import { DATABASE, existsSync, MINUTE, SCORER_ENTRY } from './stack';

/**
 * The bands panel's marking flow in Chromium → the proxy stand-in (Grafana's data-source proxy
 * contract, the Editor's ID token forwarded as `idForwarding` does) → the real `tidemark serve` →
 * a real influxd. A nightly batch job makes the same spike at 12:00 UTC on two days; the panel
 * (naming the continuous detector in its *Continuous detector for marks* option) flags the first,
 * an Editor pins its tooltip and marks it "not an anomaly", the scorer stores the mark, and a
 * backtest of the detector over the same range no longer flags the second spike (docs/scoring.md,
 * "How a not-anomaly mark stops a pattern recurring"). Grafana cannot run here; its proxy and boot
 * data (the org role) are stood in for per its documented contract.
 */
const TOKEN = 'e2e-marks-token-0123456789';
const DAY = 24 * 60 * MINUTE;
/** Three days of one-minute `batch,host=a value=…` from a UTC midnight, the spike on days 2 and 3. */
const T0 = Date.UTC(2026, 1, 20);
const FIRST = T0 + DAY + 12 * 60 * MINUTE;
const AGAIN = T0 + 2 * DAY + 12 * 60 * MINUTE;
const END = T0 + 3 * DAY;
const SERIES = 'batch value {host=a}';
const DETECTOR = {
  id: 'nightly',
  query: { database: DATABASE, measurement: 'batch', field: 'value', groupBy: ['host'] },
  interval: '1m',
  lag: '1ms',
  maxBackfill: '1d',
  detector: { id: 'robust' },
  enabled: false,
};

/** A wave with small deterministic noise (as the scorer's backtest test has), spiking at FIRST and AGAIN. */
function batchLines(): string {
  let seed = 42;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const lines: string[] = [];
  for (let t = T0, i = 0; t < END; t += MINUTE, i++) {
    const spike = t === FIRST || t === AGAIN ? 60 : 0;
    const value = 50 + 10 * Math.sin((2 * Math.PI * i) / 96) + noise() * 2 + spike;
    lines.push(`batch,host=a value=${value.toFixed(4)} ${t * 1_000_000}`);
  }
  return lines.join('\n');
}

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.describe('marking a false positive from the bands panel', () => {
  test.skip(!existsSync(SCORER_ENTRY), 'the scorer has no HTTP app yet (scorer/app.ts)');

  let stack: SignedInStack;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    stack = await startSignedInStack(TOKEN);
    const written = await fetch(`${stack.influx.url}/write?db=${DATABASE}&precision=ns`, {
      method: 'POST',
      body: batchLines(),
    });
    expect(written.status).toBe(204);
    expect((await stack.call('Editor', 'POST', '/api/v1/detectors', DETECTOR)).status).toBe(201);
  });

  test.afterAll(async () => {
    await stack?.stop();
  });

  /** Backtests the detector over days 2 and 3 through the Editor's proxy route, to its end. */
  async function backtest(): Promise<BacktestResult> {
    const started = await stack.call('Editor', 'POST', '/api/v1/backtests', {
      definition: DETECTOR,
      range: { from: T0 + DAY, to: END },
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as Backtest;
    for (;;) {
      const polled = (await stack.get(`/api/v1/backtests/${id}`)) as Backtest;
      if (!['queued', 'running'].includes(polled.status)) {
        expect([polled.status, polled.message]).toEqual(['succeeded', expect.any(String)]);
        return polled.result as BacktestResult;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const flaggedAt = (result: BacktestResult, time: number) =>
    result.series[0]!.regions.some((r) => r.start <= time && time <= r.end);

  test('an Editor pins a flagged point’s tooltip and marks it not an anomaly; it stops recurring', async ({
    page,
  }) => {
    const before = await backtest();
    expect(flaggedAt(before, FIRST), 'the first spike is flagged').toBe(true);
    expect(flaggedAt(before, AGAIN), 'so is its recurrence, before the mark').toBe(true);

    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(
      `${stack.proxies.Editor.url}/index.html?${new URLSearchParams({
        view: 'e2e',
        role: 'Editor',
        database: DATABASE,
        measurement: 'batch',
        field: 'value',
        groupBy: 'host',
        detector: 'robust',
        from: String(FIRST - 6 * 60 * MINUTE),
        to: String(FIRST + 6 * 60 * MINUTE),
        intervalMs: String(MINUTE),
        options: JSON.stringify({ markDetector: DETECTOR.id }),
      })}`,
    );
    await page.waitForFunction(() => 'e2e' in window, undefined, { timeout: 90_000 });
    await expect(page.getByTestId(TEST_IDS.panel.root)).toBeVisible();
    const anomalies = await countPixels(page, 0, hexToRgb((await harnessColors(page)).anomaly));
    expect(anomalies.first, 'the spike is drawn as an anomaly').toBeDefined();
    const box = (await page.locator('canvas').first().boundingBox())!;
    // Hover first, then click (uPlot moves its cursor on the next animation frame; see panel.spec.ts).
    await page.mouse.move(box.x + anomalies.first!.x + 1, box.y + anomalies.first!.y + 4);
    const tooltip = page.getByTestId(TEST_IDS.panel.tooltip);
    await expect(tooltip).toContainText('Anomaly');
    await page.mouse.down();
    await page.mouse.up();
    await page.mouse.move(box.x + box.width + 50, box.y + box.height + 50);
    await expect(tooltip).toBeVisible();
    const button = tooltip.getByTestId(TEST_IDS.panel.mark);
    await expect(button).toHaveText('Mark: not an anomaly');
    await tooltip.getByTestId(TEST_IDS.panel.markNote).fill('nightly batch job');
    await screenshotForDocs(page, 'panel-mark.png');
    await button.click();
    await expect(tooltip.getByTestId(TEST_IDS.panel.markDone)).toContainText('Marked “not an anomaly”');

    // The real scorer stored it, for the Editor who made it, over the flagged region.
    const { marks } = (await stack.get(`/api/v1/marks?detector=${DETECTOR.id}`)) as { marks: Mark[] };
    expect(marks).toEqual([
      expect.objectContaining({
        detector: DETECTOR.id,
        series: SERIES,
        kind: 'not-anomaly',
        note: 'nightly batch job',
        createdBy: 'user:editor',
      }),
    ]);
    expect(marks[0]!.from).toBeLessThanOrEqual(FIRST);
    expect(marks[0]!.to).toBeGreaterThanOrEqual(FIRST);
    const annotations = await stack.get(`/api/v1/annotations?from=${T0}&to=${END}&detector=${DETECTOR.id}`);
    expect(annotations.marks).toEqual([expect.objectContaining({ id: marks[0]!.id })]);

    // Scored again, the same range no longer flags the pattern where it recurs; the marked
    // region, still flagged by the fit before it, counts as a false positive.
    const after = await backtest();
    expect(flaggedAt(after, AGAIN), 'the recurrence is no longer flagged').toBe(false);
    expect(after.accuracy).toMatchObject({ falsePositives: 1 });
    expect(errors).toEqual([]);
  });
});
