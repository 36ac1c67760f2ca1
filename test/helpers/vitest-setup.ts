import { afterAll, beforeEach, expect } from 'vitest';
import { removeFileScopedTempDirs } from './temp-dir';
import { relativeToRoot, watchdog } from './watchdog';

// Runs in each test process before each test file (vitest.config.mts `setupFiles`).
const file = relativeToRoot(expect.getState().testPath ?? 'an unknown test file');
const guard = watchdog();
guard.at(`${file} (loading, or in a beforeAll hook)`);
beforeEach(() => guard.at(`${file} > ${expect.getState().currentTestName}`));
afterAll(() => {
  guard.at(`${file} (in an afterAll hook)`);
  removeFileScopedTempDirs();
});
