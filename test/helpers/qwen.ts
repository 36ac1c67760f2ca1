import fs from 'node:fs';
import path from 'node:path';
import { LOOPBACK_ONLY } from './continue';
import { runToExit, type Exited } from './processes';
import { tempDir } from './temp-dir';
import { startTerminal, type Terminal } from './tmux-terminal';

/**
 * The real Qwen Code CLI (`qwen`), pinned in devDependencies. ORCHIDS_TEST_QWEN runs another copy of it, e.g. one
 * installed outside the project to try a new version.
 */
export const QWEN = process.env.ORCHIDS_TEST_QWEN ?? path.resolve(__dirname, '../../node_modules/.bin/qwen');

/** The model id Qwen Code asks the proxy for: one the model table maps, as a user would pick. */
export const QWEN_MODEL = 'claude-sonnet-4-6';

/**
 * `~/.qwen/settings.json` as a user writes it to point Qwen Code at the proxy (README "Qwen Code"): its `openai`
 * auth (Chat Completions), no usage statistics or telemetry, no update check.
 */
export function qwenSettings(): Record<string, unknown> {
  return {
    security: { auth: { selectedType: 'openai' } },
    model: { name: QWEN_MODEL },
    general: { enableAutoUpdate: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    // Qwen Code's managed memory asks the model, after each answer, what to remember: a second paid turn a prompt.
    memory: { enableManagedAutoMemory: false, enableManagedAutoDream: false },
  };
}

export interface QwenOptions {
  timeoutMs?: number;
  /** More of qwen's flags, before the prompt; by default `--yolo`, so each tool runs without asking. */
  args?: string[];
  /** Settings over qwenSettings()'s, key by key (e.g. `tools` to turn on Qwen's opt-in `todo_write`). */
  settings?: Record<string, unknown>;
  /** More environment, e.g. NODE_EXTRA_CA_CERTS for a loopback HTTPS page. */
  env?: Record<string, string>;
  /** The home of an earlier run, whose session `-c` (in `args`) resumes; a fresh one by default. */
  home?: string;
}

export interface QwenRun extends Exited {
  /** What `qwen -p` printed as its answer, trimmed. */
  answer: string;
  /** The home it ran in, where Qwen Code keeps the session, for a later run to resume. */
  home: string;
}

/**
 * Runs `qwen -p <prompt>` in `cwd` as a user would, with the proxy's URL and key in the environment variables
 * Qwen Code's `openai` auth reads, in a fresh home (Qwen keeps settings, sessions and logs in `~/.qwen`), no network
 * beyond loopback (see LOOPBACK_ONLY).
 */
export function runQwen(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  options: QwenOptions = {},
): Promise<QwenRun> {
  const home = qwenHome(options.home, options.settings);
  const args = [...(options.args ?? ['--yolo']), '-p', prompt];
  const env = { ...qwenEnv(home, baseUrl, apiKey), ...options.env };
  const run = runToExit(QWEN, args, { cwd, timeoutMs: options.timeoutMs ?? 80_000, env });
  return run.then((exited) => ({ ...exited, answer: exited.stdout.trim(), home }));
}

/** A home for Qwen Code (`home`, or a fresh one) holding the settings README gives, `settings` over them key by key. */
function qwenHome(home = tempDir('orchids-qwen-home-'), settings: Record<string, unknown> = {}): string {
  fs.mkdirSync(path.join(home, '.qwen'), { recursive: true });
  fs.writeFileSync(
    path.join(home, '.qwen', 'settings.json'),
    JSON.stringify({ ...qwenSettings(), ...settings }, null, 2),
  );
  return home;
}

/** Qwen Code's environment: the proxy's URL and key where its `openai` auth reads them, no network beyond loopback. */
function qwenEnv(home: string, baseUrl: string, apiKey: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    NO_COLOR: '1',
    NODE_OPTIONS: `--import=${LOOPBACK_ONLY}`,
    OPENAI_API_KEY: apiKey,
    OPENAI_BASE_URL: `${baseUrl}/v1`,
    OPENAI_MODEL: QWEN_MODEL,
  };
}

/**
 * Qwen Code's interactive window (`qwen` without `-p`) in a terminal of its own (see startTerminal), in a fresh home
 * with `settings` over README's, `args` its flags (`--yolo` to run every tool without asking).
 */
export function startQwenTui(
  cwd: string,
  baseUrl: string,
  apiKey: string,
  options: { args?: string[]; settings?: Record<string, unknown> } = {},
): Terminal {
  return startTerminal({
    cwd,
    env: qwenEnv(qwenHome(undefined, options.settings), baseUrl, apiKey),
    command: [QWEN, ...(options.args ?? [])],
    isolated: true,
    promptMark: '>',
    promptLine: qwenPromptLine,
    // Its own exit takes seconds (its child node ending), and no test reads anything of it once stopped.
    killAtStop: true,
  });
}

/** The last line opening with `>`, without the zero-width space Qwen Code draws as its cursor. */
function qwenPromptLine(lines: string[]): string | undefined {
  return lines
    .filter((line) => line.startsWith('>'))
    .at(-1)
    ?.replace(/\u200b/g, '')
    .trimEnd();
}

/**
 * A test's options where it reads what a command Qwen Code ran printed.
 *
 * DECISION: one retry, for a race of Qwen Code 0.24.4's own: `qwen -p` runs commands without a terminal
 * (`childProcessFallback`), which settles on the child's `exit` event, before its stdout has drained, so under load a
 * command's output can come back as `Output: (empty)` with exit code 0 (seen once in CI: the agent's LS as
 * `ls -la -- '<folder>'`). The proxy only passes Qwen's words on; a second run that fails too still fails the test.
 */
export const READS_COMMAND_OUTPUT = { timeout: 120_000, retry: 1 };
