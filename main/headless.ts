import path from 'node:path';
import { ConfigError } from './core/config';
import { attachAppControl, type AppControl } from './core/control/app-control';
import { listenForLinkRequests } from './core/control/dashboard-access';
import { OrchidsCore } from './core/core';
import { ServerStartError } from './core/server/http-server';
import { SettingError } from './core/settings/settings-service';

/**
 * Orchids Tray without a window: the same core the desktop app runs, for machines with no display or no Electron.
 * Prints the address to point clients at, and stops gracefully on SIGINT/SIGTERM.
 */
export async function runHeadless(options: { reason?: string } = {}): Promise<OrchidsCore> {
  if (options.reason) console.log(`Running headless: ${options.reason}`);
  let core: OrchidsCore;
  try {
    core = new OrchidsCore();
  } catch (error) {
    fatal(error);
  }
  let url: string;
  let control: AppControl;
  try {
    // dist/main/headless.js → dist/: where the built window and its HTTP bridge live.
    control = attachAppControl(core, {
      shell: 'headless',
      distDir: path.resolve(__dirname, '..'),
      log: (line) => console.error(line),
    });
    url = await core.start();
    control.announce(url);
  } catch (error) {
    await core.stop(0).catch(() => undefined);
    fatal(error);
  }
  const health = core.health() as { accounts: { total: number; usable: number } };
  console.log(`Proxy: ${url}`);
  console.log(`Dashboard: ${control.transport.dashboardUrl(url)}`);
  console.log(
    `  (one browser, once, within 5 minutes; for another link press Enter here${process.platform === 'win32' ? '' : ', send SIGUSR2'} or run: npm run cli -- dashboard)`,
  );
  listenForLinkRequests(() => console.log(`Dashboard: ${control.transport.dashboardUrl(url)}`));
  console.log(`Data: ${core.config.dataDir}`);
  if (health.accounts.total === 0) {
    console.log('No accounts yet. Add one with: npm run cli -- accounts add --cookie "<__client cookie>"');
  } else {
    console.log(`Accounts: ${health.accounts.usable} of ${health.accounts.total} ready`);
  }
  console.log(`Use it: ANTHROPIC_BASE_URL=${url} claude`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      console.log('Stopping now.');
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then saving counts (Ctrl+C again to force).`);
    control.retire();
    core.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // A bug in one request must not take every other client down with it.
  process.on('uncaughtException', (error) => console.error('[uncaught]', error));
  process.on('unhandledRejection', (error) => console.error('[unhandled rejection]', error));
  return core;
}

function fatal(error: unknown): never {
  if (error instanceof ServerStartError || error instanceof ConfigError || error instanceof SettingError) {
    console.error(`Orchids Tray cannot start: ${error.message}`);
  } else {
    console.error('Orchids Tray cannot start:', error);
  }
  process.exit(1);
}

if (require.main === module) void runHeadless({ reason: process.env.ORCHIDS_TRAY_HEADLESS_REASON });
