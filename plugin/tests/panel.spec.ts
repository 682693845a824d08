import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { TEST_IDS } from '../src/constants/tests';
import { countPixels, harnessColors, hexToRgb, openHarness, SCREENSHOTS } from './harness';

const DOCS_IMAGE = join(__dirname, '..', '..', 'docs', 'images', 'panel.png');

test.beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }));

for (const theme of ['dark', 'light'] as const) {
  test(`draws value, band, anomalies, regions and score (${theme})`, async ({ page }) => {
    const errors = await openHarness(page, { view: 'panel', theme });
    const colors = await harnessColors(page);
    const [GREEN, RED, ORANGE] = [
      hexToRgb(colors.palette[0]!),
      hexToRgb(colors.anomaly),
      hexToRgb(colors.score),
    ];
    const panel = page.getByTestId(TEST_IDS.panel.root);
    await expect(panel).toBeVisible();
    await expect(page.locator('canvas')).toHaveCount(2);

    const main = await countPixels(page, 0, GREEN);
    expect(main.solid, 'value line').toBeGreaterThan(500);
    expect(main.translucent, 'band fill').toBeGreaterThan(10_000);
    const anomalies = await countPixels(page, 0, RED);
    expect(anomalies.solid, 'anomaly points').toBeGreaterThan(30);
    expect(anomalies.translucent, 'region shading').toBeGreaterThan(2_000);
    const score = await countPixels(page, 1, ORANGE);
    expect(score.solid, 'score line').toBeGreaterThan(200);
    const threshold = await countPixels(page, 1, RED);
    expect(threshold.solid, 'threshold line').toBeGreaterThan(100);

    expect(errors).toEqual([]);
    await page.locator('#harness').screenshot({ path: join(SCREENSHOTS, `panel-${theme}.png`) });
    if (theme === 'dark') {
      mkdirSync(join(DOCS_IMAGE, '..'), { recursive: true });
      copyFileSync(join(SCREENSHOTS, 'panel-dark.png'), DOCS_IMAGE);
    }
  });
}

test('the tooltip explains an anomaly', async ({ page }) => {
  await openHarness(page, { view: 'panel' });
  const anomalies = await countPixels(page, 0, hexToRgb((await harnessColors(page)).anomaly));
  expect(anomalies.first).toBeDefined();
  const canvas = page.locator('canvas').first();
  const box = (await canvas.boundingBox())!;
  // Hover the middle of the first anomaly point drawn (points are 9 px wide).
  await page.mouse.move(box.x + anomalies.first!.x + 1, box.y + anomalies.first!.y + 4);
  const tooltip = page.getByTestId(TEST_IDS.panel.tooltip);
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText('Anomaly');
  await expect(tooltip).toContainText('Expected range');
  await expect(tooltip).toContainText('σ');
  await expect(tooltip).toContainText('Detectorrobust');
  await expect(tooltip).toContainText(/Score\d+ \/ 100 \(flags at 70\)/);
  await page.locator('#harness').screenshot({ path: join(SCREENSHOTS, 'panel-tooltip.png') });
});

test('a click pins the tooltip where the cursor is; it stays when the mouse leaves; a click or × unpins it', async ({
  page,
}) => {
  await openHarness(page, { view: 'panel' });
  const anomalies = await countPixels(page, 0, hexToRgb((await harnessColors(page)).anomaly));
  const canvas = page.locator('canvas').first();
  const box = (await canvas.boundingBox())!;
  // Hover first, as a person does: uPlot moves its cursor on the next animation frame, so a click
  // sent in the same instant as the move would land before the cursor is there.
  await page.mouse.move(box.x + anomalies.first!.x + 1, box.y + anomalies.first!.y + 4);
  const tooltip = page.getByTestId(TEST_IDS.panel.tooltip);
  await expect(tooltip).toBeVisible();
  await page.mouse.down();
  await page.mouse.up();
  await page.mouse.move(box.x + box.width + 50, box.y + box.height + 50);
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText('Anomaly');
  // a second click on the plot unpins it
  await page.mouse.move(box.x + anomalies.first!.x + 1, box.y + anomalies.first!.y + 4);
  await page.mouse.down();
  await page.mouse.up();
  await page.mouse.move(box.x + box.width + 50, box.y + box.height + 50);
  await expect(tooltip).toBeHidden();
  // pinned again, the × button unpins it (dispatched: its icon may not load without Grafana's
  // public folder, which leaves the button without a size Playwright can click)
  await page.mouse.move(box.x + anomalies.first!.x + 1, box.y + anomalies.first!.y + 4);
  await page.mouse.down();
  await page.mouse.up();
  await page.mouse.move(box.x + box.width + 50, box.y + box.height + 50);
  await expect(tooltip).toBeVisible();
  await page.getByTestId(TEST_IDS.panel.tooltipClose).dispatchEvent('click');
  await expect(tooltip).toBeHidden();
});

test('several series get their own colours, bands and legend items', async ({ page }) => {
  await openHarness(page, { view: 'panel', series: '3' });
  await expect(page.getByTestId(TEST_IDS.panel.legendItem)).toHaveCount(3);
  const yellow = await countPixels(page, 0, hexToRgb((await harnessColors(page)).palette[1]!));
  expect(yellow.solid, 'second series line').toBeGreaterThan(300);
  expect(yellow.translucent, 'second series band').toBeGreaterThan(5_000);
  await page.getByTestId(TEST_IDS.panel.legendItem).nth(1).click();
  await expect(page.getByTestId(TEST_IDS.panel.legendItem).nth(1)).toHaveAttribute('aria-pressed', 'false');
  // The hidden series leaves the plot and the others keep their colours.
  const yellowAfter = await countPixels(page, 0, hexToRgb((await harnessColors(page)).palette[1]!));
  expect(yellowAfter.solid).toBeLessThan(20);
  const third = await countPixels(page, 0, hexToRgb((await harnessColors(page)).palette[2]!));
  expect(third.solid, 'third series keeps its colour').toBeGreaterThan(300);
  await page.locator('#harness').screenshot({ path: join(SCREENSHOTS, 'panel-three-series.png') });
});

test('a frame from another data source draws as a plain line without band or score', async ({ page }) => {
  const errors = await openHarness(page, { view: 'panel-plain' });
  const colors = await harnessColors(page);
  const [GREEN, RED] = [hexToRgb(colors.palette[0]!), hexToRgb(colors.anomaly)];
  await expect(page.locator('canvas')).toHaveCount(1);
  const green = await countPixels(page, 0, GREEN);
  expect(green.solid).toBeGreaterThan(500);
  expect(green.translucent).toBeLessThan(2_000);
  expect((await countPixels(page, 0, RED)).solid).toBe(0);
  expect(errors).toEqual([]);
});

test('no data shows Grafana’s data error view', async ({ page }) => {
  await openHarness(page, { view: 'panel-empty' });
  await expect(page.getByText(/Unable to render data/)).toBeVisible();
  await expect(page.locator('canvas')).toHaveCount(0);
});
