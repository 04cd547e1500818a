// End-to-end tests: real Chromium (Debian's, see FACTS.md), the built app, the real model, a fresh data directory.
// global-setup.ts builds the app when its build is missing or stale, starts `next start` on a free port and waits
// until the demo catalog is indexed; the tests read its URL from E2E_BASE_URL.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './chromium';

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  // One server, two cores, one model: tests run one after another.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: 'list',
  outputDir: './test-results',
  use: {
    baseURL: process.env.E2E_BASE_URL,
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
