import path from 'node:path';
import { afterAll, beforeEach, expect } from 'vitest';
import { removeFileScopedTempDirs } from './temp-dir';
import { watchdog } from './watchdog';

// Runs in each test process before each test file (vitest.config.mts `setupFiles`).
const file = path.relative(path.resolve(__dirname, '../..'), expect.getState().testPath ?? 'an unknown test file');
const guard = watchdog();
guard.at(`${file} (loading, or in a beforeAll hook)`);
beforeEach(() => guard.at(`${file} > ${expect.getState().currentTestName} (the test or its hooks)`));
afterAll(removeFileScopedTempDirs);
