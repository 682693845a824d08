import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { TEST_IDS } from '../src/constants/tests';
import { openHarness, SCREENSHOTS } from './harness';

test('the query editor lists the scorer’s schema and updates the query', async ({ page }) => {
  const errors = await openHarness(page, { view: 'query-editor' });
  const editor = page.getByTestId(TEST_IDS.queryEditor.root);
  await expect(editor).toBeVisible();
  await expect(editor).toContainText('telegraf');
  await page.getByTestId(TEST_IDS.queryEditor.field).click();
  await page.getByRole('option', { name: 'usage_system' }).click();
  expect(await page.evaluate(() => (window as unknown as { query: { field: string } }).query.field)).toBe(
    'usage_system',
  );
  await page.getByTestId(TEST_IDS.queryEditor.detector).click();
  await page.getByRole('option', { name: 'LSTM forecaster' }).click();
  expect(
    await page.evaluate(() => (window as unknown as { query: { detector: string } }).query.detector),
  ).toBe('lstm');
  expect(errors).toEqual([]);
  await page.locator('#harness').screenshot({ path: join(SCREENSHOTS, 'query-editor.png') });
});

test('the config editor keeps the token secret and can reset it', async ({ page }) => {
  await openHarness(page, { view: 'config-editor' });
  await expect(page.getByTestId(TEST_IDS.configEditor.scorerUrl)).toHaveValue('http://scorer:8080');
  await expect(page.getByTestId(TEST_IDS.configEditor.token)).toHaveValue('configured');
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByTestId(TEST_IDS.configEditor.token).fill('new-token');
  const settings = await page.evaluate(() => (window as unknown as { settings: unknown }).settings);
  expect(settings).toMatchObject({
    secureJsonData: { token: 'new-token' },
    secureJsonFields: { token: false },
  });
  await page.locator('#harness').screenshot({ path: join(SCREENSHOTS, 'config-editor.png') });
});
