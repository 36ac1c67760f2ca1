import fs from 'node:fs';
import path from 'node:path';
import { LOOPBACK_ONLY } from './continue';
import { runToExit, type Exited } from './processes';
import { tempDir } from './temp-dir';

/**
 * The real pi coding agent (`pi`, from `@mariozechner/pi-coding-agent`, pinned in devDependencies). ORCHIDS_TEST_PI
 * runs another copy of it, e.g. one installed outside the project to try a new version.
 */
export const PI = process.env.ORCHIDS_TEST_PI ?? path.resolve(__dirname, '../../node_modules/.bin/pi');

/** The model id pi asks the proxy for: one the model table maps, as a user would pick. */
export const PI_MODEL = 'claude-sonnet-4-6';

/** How pi talks to the proxy: its `anthropic-messages` API (`/v1/messages`) or `openai-completions` one. */
export type PiApi = 'anthropic-messages' | 'openai-completions';

/** The provider name each API's entry in `models.json` has, as the README's setup names it. */
export const PI_PROVIDER: Record<PiApi, string> = {
  'anthropic-messages': 'orchids',
  'openai-completions': 'orchids-openai',
};

/**
 * `models.json` in pi's agent dir as a user writes it to point pi at the proxy (README "pi"): one provider for each
 * API, the key read from ORCHIDS_TRAY_API_KEY. pi's Anthropic client adds `/v1/messages` to the base URL, its OpenAI
 * one `/chat/completions`.
 */
export function piModels(baseUrl: string): Record<string, unknown> {
  const models = [{ id: PI_MODEL }];
  return {
    providers: {
      [PI_PROVIDER['anthropic-messages']]: {
        baseUrl,
        api: 'anthropic-messages',
        apiKey: 'ORCHIDS_TRAY_API_KEY',
        models,
      },
      [PI_PROVIDER['openai-completions']]: {
        baseUrl: `${baseUrl}/v1`,
        api: 'openai-completions',
        apiKey: 'ORCHIDS_TRAY_API_KEY',
        models,
      },
    },
  };
}

export interface PiOptions {
  timeoutMs?: number;
  /** `json` prints every event as a line of JSON; by default pi prints only its answer. */
  mode?: 'text' | 'json';
}

export interface PiRun extends Exited {
  /** What `pi -p` printed as its answer, trimmed. */
  answer: string;
}

/**
 * Runs `pi -p <prompt>` in `cwd` as a user would, its agent dir (settings, models, sessions) a fresh folder named by
 * PI_CODING_AGENT_DIR, offline (no update check or telemetry), without sessions, extensions, skills or context files,
 * and no network beyond loopback (see LOOPBACK_ONLY).
 */
export function runPi(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  api: PiApi,
  options: PiOptions = {},
): Promise<PiRun> {
  const agentDir = tempDir('orchids-pi-agent-');
  fs.writeFileSync(path.join(agentDir, 'models.json'), JSON.stringify(piModels(baseUrl), null, 2));
  const args = [
    '--offline',
    '--no-session',
    '--no-extensions',
    '--no-skills',
    '--no-context-files',
    '--provider',
    PI_PROVIDER[api],
    '--model',
    PI_MODEL,
    '--mode',
    options.mode ?? 'text',
    '-p',
    prompt,
  ];
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: agentDir,
    NO_COLOR: '1',
    NODE_OPTIONS: `--import=${LOOPBACK_ONLY}`,
    PI_CODING_AGENT_DIR: agentDir,
    ORCHIDS_TRAY_API_KEY: apiKey,
  };
  const run = runToExit(PI, args, { cwd, timeoutMs: options.timeoutMs ?? 80_000, env });
  return run.then((exited) => ({ ...exited, answer: exited.stdout.trim() }));
}
