import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the real panel and editors on the harness page (tests/harness) and of the built
 * plugin/dist (built once per run by build-dist.ts), in Debian's Chromium: Grafana itself cannot run
 * on our machines, and Playwright's own browser download is off.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './build-dist.ts',
  outputDir: '../test-results',
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1100, height: 560 },
    deviceScaleFactor: 1,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
