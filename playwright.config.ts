import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the window, as a person uses it, against the real headless app and the Orchids simulator
 * (see test/e2e/fixtures.ts). Debian's Chromium, not a downloaded one: CI installs `chromium` with apt.
 * The app must be built first; `npm test` builds before it runs this.
 */
export default defineConfig({
  testDir: 'test/e2e',
  // The README's screenshots are retaken on request (`npm run screenshots`), not by every test run.
  testIgnore: process.env.ORCHIDS_TRAY_SCREENSHOTS ? [] : ['**/readme-screenshots.spec.ts'],
  outputDir: 'test-results',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  // The list, then why any test was skipped (the list alone does not say).
  reporter: [['list'], ['./test/e2e/skip-reasons-reporter.ts']],
  timeout: 30_000,
  expect: { timeout: 7_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 860 },
    screenshot: 'only-on-failure',
    // Traces cost seconds per test on a small machine; E2E_TRACE=1 keeps them for failing tests when debugging.
    trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
