import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, expect } from 'vitest';
import { removeFileScopedTempDirs } from './temp-dir';
import { watchdog } from './watchdog';

// Runs in each test process before each test file (vitest.config.mts `setupFiles`).
const file = path.relative(path.resolve(__dirname, '../..'), expect.getState().testPath ?? 'an unknown test file');

// The CLI hints at apps running on other data folders, found in a per-user registry (XDG_RUNTIME_DIR, else the temp
// folder): an app a developer leaves running, or another worktree's suite, would add a note a test checks line by
// line. Each test file gets a registry of its own, which the CLI helper and every spawned `...process.env` inherit.
process.env.XDG_RUNTIME_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-runtime-'));
const guard = watchdog();
guard.at(`${file} (loading, or in a beforeAll hook)`);
beforeEach(() => guard.at(`${file} > ${expect.getState().currentTestName} (the test or its hooks)`));
afterAll(() => {
  removeFileScopedTempDirs();
  fs.rmSync(process.env.XDG_RUNTIME_DIR!, { recursive: true, force: true });
});
