import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEntryPoints, buildMain, ROOT } from '../helpers/processes';

/**
 * Test files build while others start the built entry points, and a browser test's app serves the bridge script: a
 * build that rewrites a file in place lets such a reader load half of it (a headless app that dies with a syntax
 * error, a dashboard without `window.orchids`). So each output must be replaced by a whole new file.
 */
describe('node scripts/build-main.mjs', () => {
  it('replaces each output with a new file: a process that had opened the old one still reads all of it', async () => {
    await buildEntryPoints(); // the outputs exist even when this file runs alone on a clean tree (in watch mode too)
    const outputs = ['dist/main/headless.js', 'dist/main/cli.js', 'dist/renderer-bridge/bridge.js'];
    const held = outputs.map((file) => ({ file, fd: fs.openSync(path.join(ROOT, file), 'r') }));
    try {
      await buildMain();
      for (const { file, fd } of held) {
        const now = fs.statSync(path.join(ROOT, file));
        const old = fs.fstatSync(fd);
        // In place, the open file would be the one the build truncated and refilled while the reader read it.
        expect(now.ino, file).not.toBe(old.ino);
        expect(old.size, file).toBe(now.size);
      }
    } finally {
      for (const { fd } of held) fs.closeSync(fd);
    }
  });
});
