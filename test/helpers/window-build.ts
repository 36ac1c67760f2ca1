import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp-dir';

/**
 * The least of a built window the dashboard routes serve: `renderer/index.html` in a temporary folder (removed like
 * any tempDir), to pass as `distDir` to attachAppControl.
 */
export function fakeWindowBuild(): string {
  const distDir = tempDir();
  fs.mkdirSync(path.join(distDir, 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(distDir, 'renderer', 'index.html'), '<!doctype html><html><head></head></html>');
  return distDir;
}
