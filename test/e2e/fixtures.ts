import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { SETTING_DEFINITIONS } from '../../main/core/settings/definitions';
import { freePort, ROOT, runBuiltCli, startProcess, type Running } from '../helpers/processes';
import { OrchidsSimulator, type SimUser } from '../sim/orchids-simulator';
import { simEnv } from '../helpers/sim-env';
import { addJitter, jitterMaxMs } from './jitter';

/**
 * Each test gets its own world: a fresh Orchids simulator in this (the test) process, so a test can script its
 * answers, and the built headless app as a child process with a temp data dir, a free port and the simulator's
 * URLs. The page starts signed in through the printed Dashboard link, exactly as a person would open it.
 */
export interface Tray {
  sim: OrchidsSimulator;
  proxyUrl: string;
  dashboardUrl: string;
  /** The official SDK pointed at the proxy, as a user's program would be. */
  client: () => Anthropic;
  /** Sends `n` small requests one after another and waits for each answer. */
  send: (n: number) => Promise<void>;
  app: Running;
  /** Starts the app again on the same port and data folder, once the test has stopped it; waits until it serves. */
  restart: () => Promise<Running>;
}

const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export const test = base.extend<{
  tray: Tray;
  pageErrors: string[];
  appEnv: Record<string, string>;
  appFiles: Record<string, string>;
  storedPort: boolean;
  defaultPort: boolean;
  orchidsSiteName: boolean;
}>({
  /** More environment for the app (`test.use({ appEnv: {...} })`), e.g. a setting an environment variable pins. */
  appEnv: [{}, { option: true }],
  /** Files in the data folder before the app starts, by name, their content in base64 (e.g. a damaged database). */
  appFiles: [{}, { option: true }],
  /**
   * The free port stored as the `port` setting (with the CLI, before the app starts) rather than given in
   * ORCHIDS_TRAY_PORT, so the window can edit the Port field (a variable would lock it).
   */
  storedPort: [false, { option: true }],
  /**
   * The app on its own default port, with no port given or stored, as a fresh install runs: the README's pictures
   * show the address a newcomer's app will have. Every other test keeps a free port, so runs can share the machine.
   */
  defaultPort: [false, { option: true }],
  /**
   * The simulator's marketing site served as http://orchids.app (port 80 of 127.0.0.1, the name resolved there in the
   * app's process only), so the window names the credits site as a real user's does, "orchids.app", not the
   * simulator's 127.0.0.1:<port>. The app's code is unchanged: only its resolver is told where orchids.app is, as a
   * hosts file would, and it really reads the credits from the simulator under that name.
   * DECISION: a preload in NODE_OPTIONS rather than /etc/hosts, which would send every process on the machine there.
   */
  orchidsSiteName: [false, { option: true }],

  tray: async ({ appEnv, appFiles, storedPort, defaultPort, orchidsSiteName }, use, testInfo) => {
    const headless = path.join(ROOT, 'dist/main/headless.js');
    if (!fs.existsSync(headless) || !fs.existsSync(path.join(ROOT, 'dist/renderer/index.html'))) {
      throw new Error('Build first: `npm run build` (dist/main/headless.js and dist/renderer/ are missing).');
    }
    // DECISION: a busy default port is refused at once, naming it, rather than falling back to a free one: a picture
    // run is started by hand, and pictures showing another port are the defect this option exists to prevent.
    if (defaultPort) await expectPortFree(SETTING_DEFINITIONS.port.default, "the app's default");
    if (orchidsSiteName) await expectPortFree(80, 'where the simulator serves as http://orchids.app');
    const sim = await OrchidsSimulator.start(orchidsSiteName ? { sitePort: 80 } : {});
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-e2e-'));
    for (const [name, base64] of Object.entries(appFiles)) {
      fs.writeFileSync(path.join(dataDir, name), Buffer.from(base64, 'base64'), { mode: 0o600 });
    }
    const port = String(await freePort());
    if (storedPort)
      await runBuiltCli(['settings', 'set', 'port', port], { ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '' });
    const env = {
      ORCHIDS_TRAY_DATA_DIR: dataDir,
      ...(storedPort || defaultPort ? {} : { ORCHIDS_TRAY_PORT: port }),
      ...simEnv(sim),
      ...(orchidsSiteName
        ? { ORCHIDS_SITE_URL: 'http://orchids.app', NODE_OPTIONS: `--import=${ORCHIDS_APP_ON_LOOPBACK}` }
        : {}),
      ...appEnv,
    };
    let app = startProcess(headless, env);
    try {
      const proxyUrl = (await app.waitFor(/^Proxy: (\S+)$/m))[1]!;
      const dashboardUrl = (await app.waitFor(/^Dashboard: (\S+)$/m))[1]!;
      const client = (): Anthropic => new Anthropic({ baseURL: proxyUrl, apiKey: 'e2e-not-a-real-key', maxRetries: 0 });
      const send = async (n: number): Promise<void> => {
        const sdk = client();
        for (let i = 0; i < n; i++) {
          await sdk.messages.create({
            model: 'claude-sonnet-4-6',
            max_tokens: 64,
            messages: [{ role: 'user', content: `Hello ${i}` }],
          });
        }
      };
      const restart = async (): Promise<Running> => {
        await app.exited;
        app = startProcess(headless, env);
        await app.waitFor(/^Dashboard: (\S+)$/m);
        return app;
      };
      await use({ sim, proxyUrl, dashboardUrl, client, send, app, restart });
    } finally {
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach('headless app output', { body: app.output(), contentType: 'text/plain' });
      app.child.kill('SIGTERM');
      const killer = setTimeout(() => app.child.kill('SIGKILL'), 5_000);
      await app.exited;
      clearTimeout(killer);
      await sim.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },

  // Console errors include CSP violations: a page that breaks its own policy fails the test that saw it.
  pageErrors: async ({}, use) => {
    await use([]);
  },

  page: async ({ page, tray, pageErrors }, use) => {
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    if (jitterMaxMs() > 0) await addJitter(page, jitterMaxMs());
    await page.goto(tray.dashboardUrl);
    // The navigation, not just a heading: the page that says it "needs Orchids Tray behind it" (no window.orchids,
    // e.g. its bridge script did not load whole) has a heading too, and a test would only time out later on a link.
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await use(page);
    // Close now, not after the app's teardown: an open dashboard keeps its event stream in flight, and the app's
    // graceful stop would wait out its grace period for it.
    await page.close();
    expect(pageErrors, 'errors in the page console').toEqual([]);
  },
});

export { expect };

/**
 * The app's resolver (node:dns lookup, which undici's connections use) answering 127.0.0.1 for orchids.app and
 * asking the system for every other name: a module loaded with --import before the app's own code, as the client
 * harnesses load theirs (test/helpers/continue.ts LOOPBACK_ONLY).
 */
const ORCHIDS_APP_ON_LOOPBACK = `data:text/javascript,${encodeURIComponent(`
import dns from 'node:dns';
const system = dns.lookup;
dns.lookup = function lookup(host, options, callback) {
  if (host !== 'orchids.app') return system.apply(this, arguments);
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  if (all) process.nextTick(done, null, [{ address: '127.0.0.1', family: 4 }]);
  else process.nextTick(done, null, '127.0.0.1', 4);
};
`)}`;

/** Throws, naming the port and what it is for, if something already listens on 127.0.0.1:`port`. */
async function expectPortFree(port: number, purpose: string): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'in use' : `unavailable (${error.code})`;
      reject(
        new Error(
          `Port ${port}, ${purpose}, is ${why}; the README's pictures need it. ` +
            `Stop whatever listens on ${port} (e.g. a running Orchids Tray) and try again` +
            (port < 1024 ? ' (a port under 1024 needs root or CAP_NET_BIND_SERVICE).' : '.'),
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** The setup card's coding agents' tabs, by accessible name, in the README's order ("Point your tools at it"). */
export const SETUP_AGENTS = [
  'Claude Code',
  'Codex CLI',
  'opencode',
  'Kilo Code CLI',
  'Cline CLI',
  'Continue CLI',
  'Qwen Code',
  'pi',
];

/**
 * Saves test-results/screenshots/<name>.png. A long view is shot by growing the viewport to the page's height
 * rather than with `fullPage`, so the sticky sidebar and 100vh layouts look as they do in a tall window.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const grow = size !== null && height > size.height;
  if (grow) await page.setViewportSize({ width: size.width, height: Math.min(height, 4000) });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled', caret: 'hide' });
  if (grow) await page.setViewportSize(size);
}

export async function goTo(page: Page, view: 'Overview' | 'Accounts' | 'Logs' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: view })).toBeVisible();
}

/** Opens Logs and the newest request's dialog in it, as a person does, and gives the dialog. */
export async function openNewestRequest(page: Page): Promise<Locator> {
  await goTo(page, 'Logs');
  await page
    .getByRole('button', { name: /^Open request req_/ })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: /^Request req_/ });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Adds an account the way a person does: Accounts → Add account → paste into Cookie → Add account. */
export async function addAccount(page: Page, user: SimUser, name?: string): Promise<void> {
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Cookie', { exact: true }).fill(user.clientCookie);
  if (name) await dialog.getByLabel('Name (optional)').fill(name);
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await expect(dialog.getByText(user.email, { exact: true })).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
}

/** An account added through the window, then switched off with its switch on Accounts. */
export async function addSwitchedOffAccount(page: Page, user: SimUser, name: string): Promise<void> {
  await addAccount(page, user, name);
  await page.getByRole('switch', { name: `Enabled: ${name}` }).click();
  await expect(page.getByRole('switch', { name: `Enabled: ${name}` })).not.toBeChecked();
}

/**
 * Calls the window's API the way another window or `npm run cli` would: the same session and channel, but not
 * through this window's state, so whatever the window shows afterwards it learned from the core.
 */
export async function callBehindTheWindow(
  page: Page,
  channel: string,
  input: unknown,
): Promise<{ ok: boolean; value?: unknown }> {
  return page.evaluate(
    async ([channel, input]) => {
      const response = await fetch(`/_tray/api/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-orchids-tray': '1' },
        body: JSON.stringify({ input }),
      });
      return (await response.json()) as { ok: boolean; value?: unknown };
    },
    [channel, input] as const,
  );
}

/** The cell of `row` under the column headed `column`, found by reading the table's header row. */
export async function cellUnder(page: Page, rowName: string | RegExp, column: string) {
  const headers = await page.getByRole('columnheader').allInnerTexts();
  const index = headers.findIndex((h) => h.trim().toLowerCase() === column.toLowerCase());
  if (index < 0) throw new Error(`No column "${column}" in ${JSON.stringify(headers)}`);
  return page
    .getByRole('row', { name: rowName })
    .getByRole('cell')
    .nth(index - 1); // the first column is a row header
}

export interface HeldCalls {
  /** How many calls on the channel the window has sent since the hold began. */
  count: () => number;
  /** Lets every held call (and any later one) through: to the core, or refused with `failWith` as the core would. */
  release: (failWith?: string) => void;
}

/**
 * Holds the window's calls on `channel` until released, so a test can look at a control while its call is on its
 * way, and counts them, so it can tell one press from two. A refusal is the contract's own envelope, as the core
 * sends it, so the window shows it exactly as it would a real one.
 */
export async function holdCalls(page: Page, channel: string): Promise<HeldCalls> {
  let count = 0;
  let failure: string | undefined;
  let open: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (open = resolve));
  await page.route(`**/_tray/api/${channel}`, async (route) => {
    count++;
    await released;
    if (failure === undefined) return route.fallback();
    return route.fulfill({ json: { ok: false, error: { code: 'unavailable', message: failure } } });
  });
  return {
    count: () => count,
    release: (failWith) => {
      failure = failWith;
      open();
    },
  };
}
