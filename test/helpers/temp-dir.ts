import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** Directories made outside a running test (module scope, beforeAll): removed when the file's tests are done. */
const fileScoped = new Set<string>();

function remove(dir: string): void {
  // Retries: a process a test just killed may still be letting go of a file in it.
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/**
 * A fresh directory under the system temp folder, removed without the test asking: inside a test (or its
 * beforeEach) once the test has finished, after its afterEach hooks (so a stack they stop has let go of its files),
 * pass or fail; anywhere else when the file is done (test/helpers/vitest-setup.ts).
 */
export function tempDir(prefix = 'orchids-tray-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    onTestFinished(() => remove(dir));
  } catch {
    // Not inside a test: vitest refuses onTestFinished there.
    fileScoped.add(dir);
  }
  return dir;
}

export function removeFileScopedTempDirs(): void {
  for (const dir of fileScoped) remove(dir);
  fileScoped.clear();
}
