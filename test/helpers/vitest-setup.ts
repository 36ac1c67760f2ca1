import { afterAll } from 'vitest';
import { removeFileScopedTempDirs } from './temp-dir';

// Runs in each test process before each test file (vitest.config.mts `setupFiles`).
afterAll(removeFileScopedTempDirs);
