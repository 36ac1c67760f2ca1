import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runToExit } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';

/**
 * `npm run cli` and `npm start` build only when a source changed since the last build (scripts/build-if-changed.mjs).
 * Each test runs them in a copy of the repository's scripts and package.json whose build is a stand-in: it writes
 * every output and counts its runs, in a second rather than the real build's seconds, and never touches this
 * checkout's dist/ under the other test files.
 */
const BUILD_STAND_IN = `
import fs from 'node:fs';
import path from 'node:path';
const root = path.resolve(import.meta.dirname, '..');
const outputs = {
  'dist/main/cli.js': "console.log('cli ran:', process.argv.slice(2).join(' '));",
  'dist/main/headless.js': "console.log('app ran');",
  'dist/main/electron/main.js': '',
  'dist/preload/index.js': '',
  'dist/renderer-bridge/bridge.js': '',
  'dist/renderer/index.html': '',
};
for (const [file, text] of Object.entries(outputs)) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}
fs.appendFileSync(path.join(root, 'builds.log'), 'built\\n');
`;

function checkout(): string {
  const dir = tempDir();
  const files: Record<string, string> = {
    'package.json': fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
    'scripts/build-if-changed.mjs': fs.readFileSync(path.join(ROOT, 'scripts/build-if-changed.mjs'), 'utf8'),
    'scripts/start.mjs': fs.readFileSync(path.join(ROOT, 'scripts/start.mjs'), 'utf8'),
    // start.mjs imports it, and the CLI bundles it.
    'scripts/typed-in.mjs': fs.readFileSync(path.join(ROOT, 'scripts/typed-in.mjs'), 'utf8'),
    'scripts/build-main.mjs': BUILD_STAND_IN,
    'package-lock.json': '{}',
    'main/cli.ts': 'export {};',
    'main/core/config.ts': 'export {};',
    'contract/views.ts': 'export {};',
    'preload/index.ts': 'export {};',
    'renderer/src/app.tsx': 'export {};',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const builds = (dir: string): number => fs.readFileSync(path.join(dir, 'builds.log'), 'utf8').split('\n').length - 1;

/** An edit, a process start after the last build: newer than its outputs by far more than the clock's tick. */
function edit(dir: string, file: string): void {
  fs.appendFileSync(path.join(dir, file), '\n');
}

describe('npm run cli builds dist/main only when a source changed', () => {
  it('builds on the first run, then runs at once until a source, the lock file or the build changes', async () => {
    const dir = checkout();
    const cli = async (): Promise<string> => {
      const run = await runToExit('npm', ['run', '-s', 'cli', '--', 'proxy', 'status'], {
        cwd: dir,
        env: { PATH: process.env.PATH },
      });
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    expect(await cli()).toBe('cli ran: proxy status\n');
    expect(builds(dir)).toBe(1);
    await cli();
    expect(builds(dir)).toBe(1);
    const counts: Record<string, number> = {};
    const sources = [
      'main/core/config.ts',
      'contract/views.ts',
      'package-lock.json',
      'scripts/build-main.mjs',
      'scripts/typed-in.mjs',
    ];
    for (const file of sources) {
      edit(dir, file);
      await cli();
      await cli();
      counts[file] = builds(dir);
    }
    // Each change built once, and the run after it did not build again.
    expect(counts).toEqual({
      'main/core/config.ts': 2,
      'contract/views.ts': 3,
      'package-lock.json': 4,
      'scripts/build-main.mjs': 5,
      'scripts/typed-in.mjs': 6,
    });
    // A removed source leaves nothing newer behind but its folder, whose mtime the removal moves.
    fs.rmSync(path.join(dir, 'main/core/config.ts'));
    await cli();
    expect(builds(dir)).toBe(7);
    // A missing output builds too, whatever the mtimes.
    fs.rmSync(path.join(dir, 'dist/main/cli.js'));
    expect(await cli()).toBe('cli ran: proxy status\n');
    expect(builds(dir)).toBe(8);
  }, 60_000);
});

describe('a source whose mtime moved but whose content did not (a git branch switch and back)', () => {
  /** Gives `file` a time well after every output, as git does to a file it rewrites with the same content. */
  const touch = (dir: string, file: string) => {
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, file), later, later);
  };
  const cli = async (dir: string): Promise<void> => {
    const run = await runToExit('npm', ['run', '-s', 'cli', '--', 'proxy', 'status'], {
      cwd: dir,
      env: { PATH: process.env.PATH },
    });
    expect(run.code, run.stderr).toBe(0);
  };

  it('does not rebuild: the inputs hash as they did at the last build', async () => {
    const dir = checkout();
    await cli(dir);
    touch(dir, 'main/core/config.ts');
    touch(dir, 'package-lock.json');
    await cli(dir);
    await cli(dir);
    expect(builds(dir)).toBe(1);
    // A change of content still builds, once.
    edit(dir, 'main/core/config.ts');
    await cli(dir);
    await cli(dir);
    expect(builds(dir)).toBe(2);
  }, 60_000);

  it('rebuilds when the outputs were built since by another way, for sources the record does not hold', async () => {
    const dir = checkout();
    await cli(dir);
    const config = path.join(dir, 'main/core/config.ts');
    const first = fs.readFileSync(config, 'utf8');
    // `npm run build` of an edit, which leaves the record of the first build behind, then the edit taken back.
    fs.writeFileSync(config, 'export const edited = 1;');
    const later = new Date(Date.now() + 30_000);
    fs.writeFileSync(path.join(dir, 'dist/main/cli.js'), "console.log('built by hand');");
    fs.utimesSync(path.join(dir, 'dist/main/cli.js'), later, later);
    fs.writeFileSync(config, first);
    touch(dir, 'main/core/config.ts');
    await cli(dir);
    expect(builds(dir)).toBe(2);
  }, 60_000);
});

describe('npm start builds the app only when a source changed', () => {
  it('builds on the first start, not on the next, and again after a window source changes', async () => {
    const dir = checkout();
    const start = async (): Promise<string> => {
      // start.mjs builds through the npm that ran it: here, straight through the stand-in build.
      const run = await runToExit(process.execPath, ['scripts/start.mjs', '--headless'], {
        cwd: dir,
        env: { PATH: process.env.PATH, npm_execpath: path.join(dir, 'scripts/build-main.mjs') },
      });
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    expect(await start()).toMatch(/^Running headless: .*\napp ran\n$/);
    expect(builds(dir)).toBe(1);
    await start();
    expect(builds(dir)).toBe(1);
    edit(dir, 'renderer/src/app.tsx');
    await start();
    expect(builds(dir)).toBe(2);
    edit(dir, 'main/cli.ts');
    await start();
    await start();
    expect(builds(dir)).toBe(3);
  }, 60_000);
});
