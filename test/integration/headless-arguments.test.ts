/**
 * The headless app takes its settings from the environment (README "Configuration"), not from flags: a flag a
 * newcomer guesses (`npm run headless -- --port 4000`) stops the start naming the variable, where before it was
 * dropped and the app started on another port. `--hidden`, which `npm start -- --hidden` passes on when it falls
 * back to headless, is taken: headless has no window to hide.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildEntryPoints, startProcess, type Running } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';

const apps: Running[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
});

const start = (args: string[]): Running => {
  const env = { ORCHIDS_TRAY_DATA_DIR: tempDir(), ORCHIDS_TRAY_PORT: '0', XDG_RUNTIME_DIR: tempDir() };
  const app = startProcess('dist/main/headless.js', env, args);
  apps.push(app);
  return app;
};

describe('npm run headless -- <arguments>', () => {
  beforeAll(buildEntryPoints);

  it.each([
    [['--port', '4000'], '--port', 'ORCHIDS_TRAY_PORT'],
    [['--port=4000'], '--port=4000', 'ORCHIDS_TRAY_PORT'],
    [['--host', '0.0.0.0'], '--host', 'ORCHIDS_TRAY_HOST'],
    [['--data-dir', '/tmp/x'], '--data-dir', 'ORCHIDS_TRAY_DATA_DIR'],
    [['4000'], '4000', 'ORCHIDS_TRAY_PORT'],
  ])('%j: one line naming the argument and the variables, exit 2, nothing started', async (args, named, variable) => {
    const app = start(args);
    expect(await app.exited).toBe(2);
    const lines = app.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Orchids Tray cannot start: unknown argument "${named}"`);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).toContain('"Configuration" in README.md');
  });

  it('--hidden (npm start -- --hidden, fallen back to headless) starts as without it', async () => {
    const app = start(['--hidden']);
    await app.waitFor(/^Proxy: http:\/\/127\.0\.0\.1:\d+$/m);
  });
});
