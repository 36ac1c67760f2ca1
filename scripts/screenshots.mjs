// `npm run screenshots` (it builds first): retakes the README's pictures of the window, docs/screenshots/*.png,
// with the Playwright fixtures: the real headless app, the Orchids simulator and fake accounts. Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = path.join(root, 'docs', 'screenshots');

function run(args, env = {}) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Pictures of views that no longer exist must not linger in the README's folder.
for (const name of fs.existsSync(out) ? fs.readdirSync(out) : []) {
  if (name.endsWith('.png')) fs.rmSync(path.join(out, name));
}
// playwright.config.ts leaves the screenshot spec out unless this variable is set.
run([require.resolve('@playwright/test/cli'), 'test', 'test/e2e/readme-screenshots.spec.ts'], {
  ORCHIDS_TRAY_SCREENSHOTS: '1',
});

const files = fs.readdirSync(out).filter((name) => name.endsWith('.png'));
const bytes = files.reduce((sum, name) => sum + fs.statSync(path.join(out, name)).size, 0);
console.log(`${files.length} screenshots in docs/screenshots (${Math.round(bytes / 1024)} KB)`);
