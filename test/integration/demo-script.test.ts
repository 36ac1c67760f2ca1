/**
 * `npm run demo` (scripts/demo.mjs): the simulator and the headless app, wired together, one fake account in, on a
 * temporary data folder; a real request answered by the simulator; SIGTERM to the demo, or Ctrl+C (SIGINT to its whole
 * process group, as a terminal sends it), stops both and removes the folder. A folder an earlier demo killed with
 * SIGKILL left behind is removed when the next one starts.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alive, buildEntryPoints, freePort, listening, ROOT, startProcess, type Running } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';
import { DEMO_PID_FILE, DEMO_PREFIX } from '../../scripts/demo-folders.mjs';

let demo: Running | undefined;
afterEach(() => {
  // On a failure: the demo, the app and the simulator share the demo's process group; end them all.
  const child = demo?.child;
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  demo = undefined;
});

describe('npm run demo', () => {
  beforeAll(buildEntryPoints);

  it.each([
    { stop: 'SIGTERM to the demo', signal: 'SIGTERM', group: false },
    // Every process of the group gets it at once: the simulator may be gone before the demo asks it to stop.
    { stop: 'Ctrl+C', signal: 'SIGINT', group: true },
  ] as const)(
    'answers a Messages request from the simulator; $stop stops both and removes its folder',
    async (how) => {
      // buildEntryPoints built what it runs: a stand-in npm that does nothing keeps the demo from rebuilding dist/
      // under the other test files (as cli-app.test.ts does for start.mjs).
      const noBuild = path.join(tempDir(), 'npm-cli.js');
      fs.writeFileSync(noBuild, '');
      const port = await freePort();
      // The system temp folder the demo sees, holding the folder of an earlier demo killed with SIGKILL (its pid one
      // that has exited, nothing in it changed for an hour) and an unrelated folder: the demo removes only the first.
      const tmp = tempDir();
      const killed = path.join(tmp, `${DEMO_PREFIX}killed`);
      fs.mkdirSync(killed);
      const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      fs.writeFileSync(path.join(killed, DEMO_PID_FILE), exited.stdout);
      const anHourAgo = new Date(Date.now() - 3_600_000);
      fs.utimesSync(path.join(killed, DEMO_PID_FILE), anHourAgo, anHourAgo);
      fs.utimesSync(killed, anHourAgo, anHourAgo);
      const unrelated = path.join(tmp, 'orchids-tray-mine');
      fs.mkdirSync(unrelated);
      const running = startProcess(
        'scripts/demo.mjs',
        { npm_execpath: noBuild, XDG_RUNTIME_DIR: tempDir(), TMPDIR: tmp },
        ['--port', String(port)],
        { detached: true },
      );
      demo = running;
      await running.waitFor(/^Use it: /m, 30_000);
      const output = running.output();
      expect(fs.existsSync(killed)).toBe(false);
      expect(fs.existsSync(unrelated)).toBe(true);
      expect(output).toMatch(/^Use it: /m);
      expect(output).toMatch(/^Demo: .*simulator/m);
      expect(output).toContain(`Proxy: http://127.0.0.1:${port}`);
      expect(output).toMatch(/^Accounts: 1 of 1 ready$/m);
      const dataDir = /^Data: (.+)$/m.exec(output)![1]!;
      // Its own folder, in that temp folder, names the demo for the demo after it.
      expect(path.dirname(dataDir)).toBe(tmp);
      expect(fs.readFileSync(path.join(dataDir, DEMO_PID_FILE), 'utf8').trim()).toBe(String(running.child.pid));
      const controlPort = Number(new URL(/control API \S* is at (http:\/\/\S+?)[;.]? /.exec(output)![1]!).port);
      const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as { pid: number };

      const response = await fetch(`http://127.0.0.1:${port}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: 'claude-sonnet-4-6',
          max_tokens: 64,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { content: { type: string; text?: string }[] };
      expect(body.content.find((block) => block.type === 'text')?.text).toBe('Hello from the Orchids simulator.');

      if (how.group) process.kill(-running.child.pid!, how.signal);
      else running.child.kill(how.signal);
      expect(await running.exited).toBe(0);
      expect(alive(runtime.pid)).toBe(false);
      expect(await listening(port)).toBe(false);
      expect(await listening(controlPort)).toBe(false);
      expect(fs.existsSync(dataDir)).toBe(false);
    },
    60_000,
  );

  it('names, for a fresh link, a CLI command that reaches its app when typed in another terminal', async () => {
    const noBuild = path.join(tempDir(), 'npm-cli.js');
    fs.writeFileSync(noBuild, '');
    const registry = tempDir();
    const running = startProcess('scripts/demo.mjs', { npm_execpath: noBuild, XDG_RUNTIME_DIR: registry }, [
      '--port',
      String(await freePort()),
    ]);
    demo = running;
    const [, dataDir] = await running.waitFor(/^Data: (.+)$/m, 30_000);
    const [, ways] = /for another: (.*)\)$/m.exec(running.output())!;
    const command = ways!.split(' or ').at(-1)!;
    expect(command).toBe(`ORCHIDS_TRAY_DATA_DIR=${dataDir} npm run cli -- dashboard`);
    // As typed in another terminal, without the demo's variables (the CLI as built, in place of npm run cli).
    const typed = command.replace('npm run cli --', `${process.execPath} ${path.join(ROOT, 'dist/main/cli.js')}`);
    const { stdout } = await promisify(execFile)('sh', ['-c', typed], {
      cwd: tempDir(),
      env: { PATH: process.env.PATH, HOME: tempDir(), XDG_RUNTIME_DIR: registry },
    });
    expect(stdout).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/_tray\/\?code=otc_/m);
    // The "Demo:" line's command too (its quoting: demo-words.test.ts): it lists the demo's one account.
    const [, listCommand] = /the CLI reaches this app as (.+) \(its folder is removed/.exec(running.output())!;
    const listed = await promisify(execFile)(
      'sh',
      ['-c', listCommand!.replace('npm run cli --', `${process.execPath} ${path.join(ROOT, 'dist/main/cli.js')}`)],
      { cwd: tempDir(), env: { PATH: process.env.PATH, HOME: tempDir(), XDG_RUNTIME_DIR: registry } },
    );
    expect(listed.stdout).toMatch(/\bDemo\b/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 60_000);
});
