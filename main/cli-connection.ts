import fs from 'node:fs';
import path from 'node:path';
import { buildApi, type OrchidsApi } from '../contract/api';
import { DISMISS_DAMAGED_NOTICE_ARGS, damagedDatabaseLine } from '../contract/damaged-database';
import { readEnvConfig } from './core/config';
import { createHandlers } from './core/control/control-service';
import { dispatch } from './core/control/dispatch';
import { ControlClient } from './core/control/http-client';
import { runningInstances } from './core/control/instance-registry';
import { rotateControlToken } from './core/control/install-token';
import { runningApp } from './core/control/runtime-file';
import { OrchidsCore } from './core/core';
import { isDefaultLoopbackBind } from './core/server/guards';
import { cliCommand, dataDirStatement } from './core/util/cli-command';

/**
 * Where the CLI's commands go. With the app running for this data folder, to the app itself, through the same
 * control contract its window uses, so a change is live before the command returns. Otherwise to the CLI's own
 * core on the same folder, through the same handlers; the app picks those changes up when it next starts (or, if
 * it starts meanwhile, within a second).
 */
export interface CliConnection {
  api: OrchidsApi;
  dataDir: string;
  /** The running app the commands go to; absent when the CLI opened the data folder itself. */
  app?: ControlClient;
  close(): Promise<void>;
}

const NO_EVENTS = (): (() => void) => () => {};

export function connectCli(env: NodeJS.ProcessEnv, note: (line: string) => void): CliConnection {
  const { dataDir } = readEnvConfig(env);
  const app = runningApp(dataDir);
  if (app) {
    // Remote mode is any bind but the usual loopback names (127.0.0.2 included), as the server decides it.
    const remote = !isDefaultLoopbackBind(new URL(app.url).hostname);
    const apiKey = remote ? storedApiKey(env) : '';
    if (remote && !apiKey) {
      note(
        `Note: Orchids Tray at ${app.url} listens beyond this machine and wants its API key on every call, and ` +
          'this terminal has none (no ORCHIDS_TRAY_API_KEY here, none stored in the data folder). ' +
          'Set ORCHIDS_TRAY_API_KEY here as it is set where the app was started.',
      );
    }
    const client = new ControlClient(app.url, app.token, apiKey);
    return { api: buildApi(client.invoke, NO_EVENTS), dataDir, app: client, close: () => client.close() };
  }
  // Asked before opening, which makes the folder; said only after, as a folder that cannot be opened (a file, or a
  // path under one) was used for nothing: the refusal then stands alone.
  const fresh = !fs.existsSync(dataDir);
  const core = new OrchidsCore({ env, log: () => undefined }).open();
  noteOtherFolders(dataDir, fresh, env, note);
  // This command found the database unreadable and set it aside: no app may be running to say so, so the command
  // does, once; the app says it at each start until it is dismissed.
  const damaged = core.proxy.damagedDatabaseSetAsideHere();
  if (damaged) {
    note(damagedDatabaseLine(damaged));
    note(`The app says this at each start until it is dismissed: ${cliCommand(DISMISS_DAMAGED_NOTICE_ARGS)}`);
  }
  // No app holds the token in memory: the file is all there is.
  const handlers = createHandlers(core, { rotateInstallToken: () => void rotateControlToken(dataDir) });
  // An unexpected failure is printed whole: on the command line, stderr is the log.
  const api = buildApi((channel, input) => dispatch(handlers, channel, input, note), NO_EVENTS);
  return { api, dataDir, close: () => core.stop(0) };
}

/**
 * An app in remote mode wants its API key on every route, the control routes too. It is sealed in the settings,
 * so the CLI reads it from the data folder, as an app's own user can.
 */
function storedApiKey(env: NodeJS.ProcessEnv): string {
  const core = new OrchidsCore({ env, log: () => undefined });
  try {
    // A key this process cannot unseal reads as none: the app then answers 401, saying why.
    return core.settings.get('apiKey');
  } finally {
    void core.stop(0);
  }
}

/**
 * The CLI opened a folder no app runs on (`fresh`: it made it); if an app runs on another folder, that is almost
 * always the one meant (ORCHIDS_TRAY_DATA_DIR set where the app was started, not here). Say which folder was used,
 * and how to reach the other, on stderr so `--json` output stays clean.
 */
function noteOtherFolders(dataDir: string, fresh: boolean, env: NodeJS.ProcessEnv, note: (line: string) => void): void {
  const here = path.resolve(dataDir);
  const others = runningInstances(env).filter((instance) => path.resolve(instance.dataDir) !== here);
  if (others.length === 0) return;
  const made = fresh ? ' (a new, empty folder)' : '';
  note(`Note: this command used the data folder ${here}${made}, where Orchids Tray is not running.`);
  // Each app with its own line to copy: with several running, "that one" named only the first; and the default
  // folder ("~/.config/Orchids Tray") has a space, which a pasted assignment must have quoted.
  for (const other of others) {
    const where = other.url ? ` at ${other.url}` : '';
    note(
      `Orchids Tray (${other.shell}) is running${where} for ${other.dataDir}: to manage it, first run: ` +
        dataDirStatement(other.dataDir),
    );
  }
}
