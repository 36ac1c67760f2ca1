import path from 'node:path';
import { claudeCodeCommand } from '../contract/claude-code-env';
import { ADD_ACCOUNT_ARGS } from './core/accounts/cookie-parser';
import { ConfigError } from './core/config';
import { attachAppControl, claimAppFolder, type AppControl } from './core/control/app-control';
import { listenForLinkRequests } from './core/control/dashboard-access';
import { eitherOf } from './core/control/http-transport';
import { DataFolderInUseError, type DataFolderClaim } from './core/control/runtime-file';
import { OrchidsCore } from './core/core';
import { ServerStartError } from './core/server/http-server';
import { SettingError } from './core/settings/settings-service';
import { EXIT_WITH_PARENT_ARG, stopWithParent } from './core/util/parent-watch';
import { startFailureLine } from './core/util/start-errors';
import { printedCommand } from './core/util/cli-command';

/** Signals closer together than this are one Ctrl+C that reached us twice (from the terminal and from npm start). */
const SIGNAL_REPEAT_MS = 1000;

/**
 * Orchids Tray without a window: the same core the desktop app runs, for machines with no display or no Electron.
 * Prints the address to point clients at, and stops gracefully on SIGINT/SIGTERM. `npm start` and `npm run
 * headless` (scripts/start.mjs) say why it runs headless before they build and start it.
 */
export async function runHeadless(): Promise<OrchidsCore> {
  refuseArguments(process.argv.slice(2));
  let core: OrchidsCore | undefined;
  let claim: DataFolderClaim;
  try {
    core = new OrchidsCore({ shell: 'headless' });
    // Before anything opens the folder: a second app on it stops here, naming the first.
    claim = claimAppFolder(core.config.dataDir, 'headless');
  } catch (error) {
    fatal(error, core?.config.dataDir);
  }
  // Only the ways to a fresh dashboard link that work here: Enter needs a terminal on stdin (not a service or a
  // pipe), SIGUSR2 a POSIX system. The signal names this process: sent to npm's own, it would end npm and leave us
  // running with no parent.
  const hasTerminal = Boolean(process.stdin.isTTY);
  const signalCommand = process.platform === 'win32' ? undefined : `kill -USR2 ${process.pid}`;
  // Typed in another terminal, the CLI finds this app only on its data folder: a folder of its own (the demo's) is
  // named in every command printed.
  const here = { dataDir: core.config.dataDir };
  const dashboardCommand = printedCommand(here, 'dashboard');
  let url: string;
  let control: AppControl;
  try {
    // dist/main/headless.js → dist/: where the built window and its HTTP bridge live.
    control = attachAppControl(core, {
      distDir: path.resolve(__dirname, '..'),
      log: (line) => console.error(line),
      claim,
      // The refusal pages name the same ways the start lines do, worded for someone reading them in a browser.
      linkWays: [
        ...(hasTerminal ? ['press Enter in the terminal where Orchids Tray runs'] : []),
        ...(signalCommand ? [`run \`${signalCommand}\``] : []),
        `run \`${dashboardCommand}\``,
      ],
    });
    url = await core.start();
    control.announce(url);
  } catch (error) {
    claim.release();
    await core.stop(0).catch(() => undefined);
    fatal(error, core.config.dataDir);
  }
  const ways = [
    ...(hasTerminal ? ['press Enter here'] : []),
    ...(signalCommand ? [signalCommand] : []),
    dashboardCommand,
  ];
  let stoppingSince: number | undefined;
  /** `why` starts the line saying it stops; `canForce`: a person at a terminal sent it, and may send it again. */
  const shutdown = (why: string, canForce = true): void => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SIGNAL_REPEAT_MS) return;
      console.log('Stopping now.');
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(
      `${why}: finishing in-flight requests, then saving counts${canForce ? ' (Ctrl+C again to force)' : ''}.`,
    );
    control.retire();
    core.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  // Before the address is printed: whoever starts us may stop us as soon as they read it.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Started by npm start or npm run demo: their end (a SIGKILL forwards nothing) is ours, the same graceful stop. No
  // Ctrl+C is offered: the terminal's Ctrl+C went to the parent's process group, which is gone, and a service or an
  // IDE has no terminal at all; the line says why it stops.
  stopWithParent(() => shutdown('The parent process is gone', false));
  // A bug in one request must not take every other client down with it.
  process.on('uncaughtException', (error) => console.error('[uncaught]', error));
  process.on('unhandledRejection', (error) => console.error('[unhandled rejection]', error));
  // Also before: until a SIGUSR2 handler is in place the signal's default ends the process, and the line naming it
  // may be read and acted on the moment it is written.
  listenForLinkRequests(() => console.log(`Dashboard: ${control.transport.dashboardUrl(url)}`));
  const { accounts } = core.proxy.status();
  console.log(`Proxy: ${url}`);
  console.log(`Dashboard: ${control.transport.dashboardUrl(url)}`);
  console.log(`  (one browser, once, within 5 minutes; for another: ${eitherOf(ways)})`);
  console.log(`Data: ${core.config.dataDir}`);
  if (accounts.total === 0) {
    console.log(`No accounts yet. Add one with: ${printedCommand(here, ADD_ACCOUNT_ARGS)}`);
  } else {
    console.log(`Accounts: ${accounts.usable} of ${accounts.total} ready`);
  }
  // Without a key set here, the proxy ignores the value Claude Code must still be given.
  const key = core.settings.get('apiKey') ? '<your API key>' : 'not-needed';
  console.log(`Use it: ${claudeCodeCommand(url, key)}`);

  return core;
}

/**
 * `npm start -- --hidden` (the desktop app's start in the tray) reaches us when `npm start` falls back to headless,
 * which has no window to hide: taken. Anything else is a guess at a flag (`--port 4000`) that would otherwise be
 * dropped without a word, leaving the app on a port the person did not ask for.
 * DECISION: one line and exit 2 (a usage error, as the CLI's), before anything opens the data folder.
 */
function refuseArguments(args: string[]): void {
  // The start scripts' own argument (see parent-watch.ts).
  const unknown = args.find((arg) => arg !== '--hidden' && arg !== EXIT_WITH_PARENT_ARG);
  if (unknown === undefined) return;
  console.error(
    `Orchids Tray cannot start: unknown argument "${unknown}". The headless app takes its settings from ` +
      'environment variables (ORCHIDS_TRAY_PORT, ORCHIDS_TRAY_HOST, ORCHIDS_TRAY_DATA_DIR, …): see "Configuration" ' +
      'in README.md.',
  );
  process.exit(2);
}

function fatal(error: unknown, dataDir?: string): never {
  // A newer database or a folder this user cannot write: one line that says what to do; a stack would bury it.
  const line = startFailureLine(error, dataDir);
  if (line) {
    console.error(`Orchids Tray cannot start: ${line}`);
    process.exit(1);
  }
  const known =
    error instanceof ServerStartError ||
    error instanceof ConfigError ||
    error instanceof SettingError ||
    error instanceof DataFolderInUseError;
  if (known) console.error(`Orchids Tray cannot start: ${error.message}`);
  else console.error('Orchids Tray cannot start:', error);
  process.exit(1);
}

if (require.main === module) void runHeadless();
