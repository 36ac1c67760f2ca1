/**
 * `npm run cli -- logs --follow` as a person watching their accounts runs it: the real headless app and the real
 * follower, each its own process, and the changes made with the CLI's commands through the running app (run in this
 * process, as test/helpers/cli does, to keep the test quick on a busy machine). Every change a person makes to an
 * account, and a cool-down starting and ending, is one line, said once, naming the account as it is called now.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { buildEntryPoints, freePort, startProcess, type Running } from '../helpers/processes';
import { cliOk } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { simEnv } from '../helpers/sim-env';
import { hiStatus } from '../helpers/messages';

let sim: OrchidsSimulator | undefined;
const running: Running[] = [];
beforeAll(buildEntryPoints);
afterEach(async () => {
  for (const proc of running.splice(0).reverse()) {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  await sim?.close();
  sim = undefined;
});

/** The headless app on `env`'s data folder, and `logs --follow` once it is following it. */
async function startAppAndFollower(env: NodeJS.ProcessEnv): Promise<{ url: string; follow: Running }> {
  const app = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: String(await freePort()) });
  running.push(app);
  const [, url] = await app.waitFor(/^Proxy: (\S+)$/m);
  const follow = startProcess('dist/main/cli.js', env, ['logs', '--follow']);
  running.push(follow);
  await follow.waitFor(/^Following /m);
  return { url: url!, follow };
}

const TIME = String.raw`\d{1,2}:\d{2}:\d{2}(?:\s?[AP]M)?`;

describe('logs --follow and the accounts', () => {
  it('prints a line per account added, disabled, enabled, renamed, reweighted, cooled, reset, removed', async () => {
    sim = await OrchidsSimulator.start();
    // A private registry of running apps and a data folder of its own: other tests' apps stay out of it.
    const env = { ORCHIDS_TRAY_DATA_DIR: tempDir(), XDG_RUNTIME_DIR: tempDir(), ...simEnv(sim) };
    const { url, follow } = await startAppAndFollower(env);
    const next = (text: string) => follow.waitFor(new RegExp(String.raw`^${TIME} {2}account #1 ${text}$`, 'm'));

    const user = sim.addUser();
    await cliOk(env, 'accounts', 'add', '--cookie', user.clientCookie, '--name', 'Work');
    await next('Work: added');
    await cliOk(env, 'accounts', 'disable', '1');
    await next('Work: disabled');
    await cliOk(env, 'accounts', 'enable', '1');
    await next('Work: enabled');
    await cliOk(env, 'accounts', 'rename', '1', 'Home');
    await next('Work: renamed to Home');
    await cliOk(env, 'accounts', 'weight', '1', '7');
    await next('Home: weight 1 → 7');

    sim.enqueue({ status: 429 });
    expect(await hiStatus(url)).toBe(529);
    await next(String.raw`Home: cooling down until ${TIME} — Rate limited by Orchids \(HTTP 429\)\.`);
    await cliOk(env, 'accounts', 'reset', '1');
    // A person's reset, not the wait running out (the next test): said so, with when it would have ended.
    await next(String.raw`Home: reset: ready again \(was cooling down until ${TIME}\)`);
    await cliOk(env, 'accounts', 'remove', '1');
    await next('Home: removed');

    const lines = follow.output().split('\n');
    // Each said once, in the order it happened; the request is named by the account's name of the moment.
    expect(
      lines.filter((line) => / {2}account #1 /.test(line)).map((line) => line.replace(/^\S+(?: [AP]M)? {2}/, '')),
    ).toEqual([
      'account #1 Work: added',
      'account #1 Work: disabled',
      'account #1 Work: enabled',
      'account #1 Work: renamed to Home',
      'account #1 Home: weight 1 → 7',
      expect.stringMatching(/^account #1 Home: cooling down until /),
      expect.stringMatching(/^account #1 Home: reset: ready again \(was cooling down until .+\)$/),
      'account #1 Home: removed',
    ]);
    expect(lines.find((line) => / 529 {2}/.test(line))).toMatch(/ {2}#1 Home {2}/);
  });

  it('prints a cool-down ending on its own, when its wait is over', async () => {
    sim = await OrchidsSimulator.start();
    // Over SSE the simulator's 429 carries its Retry-After, so the cool-down lasts one second, not the default 30.
    const env = {
      ORCHIDS_TRAY_DATA_DIR: tempDir(),
      XDG_RUNTIME_DIR: tempDir(),
      ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'sse-b',
      ...simEnv(sim),
    };
    const user = sim.addUser();
    await cliOk(env, 'accounts', 'add', '--cookie', user.clientCookie, '--name', 'Work');
    const { url, follow } = await startAppAndFollower(env);

    sim.enqueue({ status: 429, headers: { 'retry-after': '1' } });
    expect(await hiStatus(url)).toBe(529);
    await follow.waitFor(
      new RegExp(String.raw`^${TIME} {2}account #1 Work: cooling down until ${TIME} — Rate limited`, 'm'),
    );
    await follow.waitFor(new RegExp(String.raw`^${TIME} {2}account #1 Work: ready again \(was cooling down\)$`, 'm'));
  });
});
