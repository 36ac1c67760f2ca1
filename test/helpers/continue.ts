import fs from 'node:fs';
import path from 'node:path';
import { runToExit, type Exited } from './processes';
import { tempDir } from './temp-dir';

/**
 * The real Continue CLI (`cn`), pinned in devDependencies. ORCHIDS_TEST_CONTINUE runs another copy of it, e.g. one
 * installed outside the project to try a new version.
 */
export const CONTINUE = process.env.ORCHIDS_TEST_CONTINUE ?? path.resolve(__dirname, '../../node_modules/.bin/cn');

/** The model id Continue asks the proxy for: one the model table maps, as a user would pick. */
export const CONTINUE_MODEL = 'claude-sonnet-4-6';

/** How Continue talks to the proxy: its `anthropic` provider (`/v1/messages`) or its `openai` one. */
export type ContinueApi = 'anthropic' | 'openai';

/**
 * cn asks api.continue.dev for its latest version as its bundle loads, with the machine's id, whatever its config
 * or environment says: loaded first, this module makes every fetch beyond loopback fail at once, so no run leaves
 * the machine (CI reaches the internet) and none waits on a DNS timeout (this machine reaches nothing).
 */
export const LOOPBACK_ONLY = `data:text/javascript,${encodeURIComponent(`
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return realFetch(input, init);
  return Promise.reject(new TypeError('orchids-tray test: no network beyond loopback (' + url.host + ')'));
};
`)}`;

/** The model a config names: cn picks its edit tool by `model` and `name` (README, Continue CLI). */
export interface ContinueModel {
  model: string;
  name: string;
}

const CLAUDE: ContinueModel = { model: CONTINUE_MODEL, name: 'Claude via Orchids Tray' };

/**
 * The `config.yaml` a user writes to point Continue at the proxy (README "Point your tools at it"), with a model of
 * the `subagent` role for each of `subagents` (the agents Continue's Subagent tool lists, by name).
 */
export function config(
  baseUrl: string,
  apiKey: string,
  api: ContinueApi,
  subagents: readonly string[] = [],
  model: ContinueModel = CLAUDE,
): string {
  const subagentModels = subagents.flatMap((name) => [
    `  - name: ${name}`,
    `    provider: ${api}`,
    `    model: ${CONTINUE_MODEL}`,
    `    apiBase: ${baseUrl}/v1/`,
    `    apiKey: ${apiKey}`,
    '    roles: [subagent]',
    '    chatOptions:',
    `      baseSystemMessage: You are ${name}, a sub-agent who looks into things.`,
  ]);
  return [
    'name: Orchids Tray',
    'version: 1.0.0',
    'schema: v1',
    'models:',
    `  - name: ${model.name}`,
    `    provider: ${api}`,
    `    model: ${model.model}`,
    `    apiBase: ${baseUrl}/v1/`,
    `    apiKey: ${apiKey}`,
    '    roles: [chat, edit, apply]',
    ...subagentModels,
    '',
  ].join('\n');
}

export interface ContinueOptions {
  api?: ContinueApi;
  timeoutMs?: number;
  /**
   * More of cn's flags, before the prompt. `-p` leaves out every tool that would ask first (Write, MultiEdit);
   * `--auto` declares them all, as the terminal window does.
   */
  args?: string[];
  /** Sub-agent models to add to the config (see config). */
  subagents?: string[];
  /** The config's model, by default Claude (CONTINUE_MODEL). */
  model?: ContinueModel;
  /** cn's home, for a run that leaves a session for a later `cn --resume` there; by default a fresh one. */
  home?: string;
}

export interface ContinueRun extends Exited {
  /** What `cn -p` printed as its answer: the last assistant message, trimmed. */
  answer: string;
}

/**
 * Runs `cn -p <prompt>` in `cwd` as a user would, with a config.yaml naming the proxy as its model, in a fresh home
 * (cn keeps sessions, logs and its global context in `~/.continue`), telemetry off, no auto-update, no network
 * beyond loopback (see LOOPBACK_ONLY). Killed after `timeoutMs`: cn retries a refused connection without end.
 */
export function runContinue(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  options: ContinueOptions = {},
): Promise<ContinueRun> {
  const home = options.home ?? tempDir('orchids-continue-home-');
  const configFile = path.join(home, 'config.yaml');
  fs.writeFileSync(configFile, config(baseUrl, apiKey, options.api ?? 'anthropic', options.subagents, options.model));
  const args = ['-p', ...(options.args ?? []), '--config', configFile, prompt];
  const run = runToExit(CONTINUE, args, { cwd, timeoutMs: options.timeoutMs, env: continueEnv(home) });
  return run.then((exited) => ({ ...exited, answer: exited.stdout.trim() }));
}

/**
 * The environment cn runs in, in a fresh `home` (cn keeps sessions, logs and its global context in `~/.continue`):
 * telemetry off, no auto-update, no network beyond loopback (see LOOPBACK_ONLY).
 */
export function continueEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CONTINUE_GLOBAL_DIR: path.join(home, '.continue'),
    NO_COLOR: '1',
    NODE_OPTIONS: `--import=${LOOPBACK_ONLY}`,
    CONTINUE_CLI_ENABLE_TELEMETRY: '0',
    CONTINUE_METRICS_ENABLED: '0',
    // Tells cn it has just updated itself, so it does not `npm install -g` a newer version of itself.
    CONTINUE_CLI_AUTO_UPDATED: '1',
  };
}
