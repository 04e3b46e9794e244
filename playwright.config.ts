import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/fixtures/chromium.js';

// E2E: Debian's Chromium drives the renderer served by `callrelay serve --demo` (started once by
// global-setup on a fresh data folder). The Electron spec lives in test/electron with its own
// project, and skips itself with a printed reason where the Electron binary cannot be had.
export default defineConfig({
  testDir: 'test',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts', 'security/**/*.spec.ts'],
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: 'list',
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
});
