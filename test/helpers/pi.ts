import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startCliStack, turnsAbout } from './cli-clients';
import { LOOPBACK_ONLY } from './continue';
import { runToExit, type Exited } from './processes';
import type { Stack } from './stack';
import { tempDir } from './temp-dir';
import { startTerminal, type Terminal } from './tmux-terminal';
import { upstreamText, type ProtocolMode } from './upstream';

/**
 * The real pi coding agent (`pi`, from `@mariozechner/pi-coding-agent`, pinned in devDependencies). ORCHIDS_TEST_PI
 * runs another copy of it, e.g. one installed outside the project to try a new version.
 */
export const PI = process.env.ORCHIDS_TEST_PI ?? path.resolve(__dirname, '../../node_modules/.bin/pi');

/** The model id pi asks the proxy for: one the model table maps, as a user would pick. */
export const PI_MODEL = 'claude-sonnet-4-6';

/** How pi talks to the proxy: its `anthropic-messages` API (`/v1/messages`) or `openai-completions` one. */
export type PiApi = 'anthropic-messages' | 'openai-completions';

/** Both APIs pi speaks, each with a word that keeps one test's prompts apart from the other's. */
export const PI_APIS: ReadonlyArray<readonly [PiApi, string]> = [
  ['anthropic-messages', 'anthropic'],
  ['openai-completions', 'openai'],
];

/** The provider name each API's entry in `models.json` has, as the README's setup names it. */
export const PI_PROVIDER: Record<PiApi, string> = {
  'anthropic-messages': 'orchids',
  'openai-completions': 'orchids-openai',
};

/** The API the app's history records a request of each of pi's APIs under. */
export const PI_SERVED_API: Record<PiApi, string> = {
  'anthropic-messages': 'anthropic',
  'openai-completions': 'openai-chat',
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
  /** pi's `--tools`: the tools it declares, in place of its default read, bash, edit and write. */
  tools?: string[];
  /**
   * pi's PATH, where it looks for the `rg` its grep runs and the `fd` its find runs (it downloads neither offline), in
   * place of the test's own.
   */
  path?: string[];
  /**
   * An agent dir (from piAgentDir) to keep the session in, in place of a fresh one and `--no-session`: a later run
   * given the same dir and `continue` goes on with it.
   */
  agentDir?: string;
  /** pi's `--continue`: the run goes on with the last session of `agentDir` in this folder. */
  continue?: boolean;
}

export interface PiRun extends Exited {
  /** What `pi -p` printed as its answer, trimmed. */
  answer: string;
}

/**
 * pi's agent dir (settings, models, sessions): a fresh folder with the `models.json` README gives, and `settings` as
 * its `settings.json` when given.
 */
export function piAgentDir(baseUrl: string, settings?: Record<string, unknown>): string {
  const agentDir = tempDir('orchids-pi-agent-');
  fs.writeFileSync(path.join(agentDir, 'models.json'), JSON.stringify(piModels(baseUrl), null, 2));
  if (settings) fs.writeFileSync(path.join(agentDir, 'settings.json'), JSON.stringify(settings));
  return agentDir;
}

/**
 * pi's switches for `api`: offline (no update check or telemetry), without extensions, skills or context files, so
 * the run sees nothing of the machine's; then `extra`.
 */
function piArgs(api: PiApi, extra: string[]): string[] {
  const quiet = ['--offline', '--no-extensions', '--no-skills', '--no-context-files'];
  return [...quiet, '--provider', PI_PROVIDER[api], '--model', PI_MODEL, ...extra];
}

/** The test's own PATH, as folders. */
export const TEST_PATH: readonly string[] = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);

/**
 * pi's environment: its agent dir named by PI_CODING_AGENT_DIR and as HOME, no network beyond loopback, the test's
 * PATH unless `folders` is given.
 */
function piEnv(agentDir: string, apiKey: string, folders: readonly string[] = TEST_PATH): Record<string, string> {
  return {
    PATH: folders.join(path.delimiter),
    HOME: agentDir,
    NO_COLOR: '1',
    NODE_OPTIONS: `--import=${LOOPBACK_ONLY}`,
    PI_CODING_AGENT_DIR: agentDir,
    ORCHIDS_TRAY_API_KEY: apiKey,
  };
}

/**
 * Runs `pi -p <prompt>` in `cwd` as a user would, in a fresh agent dir, without sessions unless `options` keeps one
 * (see piArgs and piEnv, and LOOPBACK_ONLY).
 */
export function runPi(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  api: PiApi,
  options: PiOptions = {},
): Promise<PiRun> {
  const agentDir = options.agentDir ?? piAgentDir(baseUrl);
  const tools = options.tools ? ['--tools', options.tools.join(',')] : [];
  const session = options.continue ? ['--continue'] : options.agentDir ? [] : ['--no-session'];
  const args = piArgs(api, [...session, '--mode', options.mode ?? 'text', ...tools, '-p', prompt]);
  const env = piEnv(agentDir, apiKey, options.path);
  const run = runToExit(PI, args, { cwd, timeoutMs: options.timeoutMs ?? 80_000, env });
  return run.then((exited) => ({ ...exited, answer: exited.stdout.trim() }));
}

export interface PiTuiOptions {
  /** An agent dir (from piAgentDir) whose sessions the window finds, in place of a fresh one. */
  agentDir?: string;
  /** More of pi's switches (`--resume`). */
  args?: string[];
}

/**
 * pi's interactive window (no `-p`) in a terminal of its own (see startTerminal), a fresh agent dir unless `options`
 * names one, through `api`.
 */
export function startPiTui(
  cwd: string,
  baseUrl: string,
  apiKey: string,
  api: PiApi,
  options: PiTuiOptions = {},
): Terminal {
  return startTerminal({
    cwd,
    env: piEnv(options.agentDir ?? piAgentDir(baseUrl), apiKey),
    command: [PI, ...piArgs(api, options.args ?? [])],
    isolated: true,
    promptMark: PI_PROMPT_MARK,
    promptLine: piPromptLine,
  });
}

/** An app on the simulator for one protocol mode, the key set, for the tests of a describe block. */
export function piStack(mode: ProtocolMode, apiKey: string): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startCliStack(mode, apiKey);
  });
  afterAll(async () => stack?.stop());
  return () => stack!;
}

/** A folder holding ripgrep (`rg`), which pi's grep needs: the static one Codex CLI (a devDependency) ships. */
export const RIPGREP_DIR = path.resolve(
  __dirname,
  '../../node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/codex-path',
);

/** A mark of the tests' own for pi's prompt line: pi draws none, only a rule above and below the text. */
const PI_PROMPT_MARK = '>';

/** The text between the last two rules (`────…`) of pi's screen, after PI_PROMPT_MARK; undefined before it draws. */
function piPromptLine(lines: string[]): string | undefined {
  const rules = lines.flatMap((line, at) => (/^─{20,}\s*$/.test(line) ? [at] : []));
  if (rules.length < 2) return undefined;
  const text = lines
    .slice(rules.at(-2)! + 1, rules.at(-1))
    .map((line) => line.trim())
    .join(' ');
  return `${PI_PROMPT_MARK} ${text}`.trimEnd();
}

/** The names pi's find looks for fd under on PATH (tools-manager.js): its own, and Debian's (package `fd-find`). */
const FD_NAMES = ['fd', 'fdfind'];

/** The fd on the test's PATH, under either name pi looks for, or undefined when the machine has none. */
export function fdOnPath(): string | undefined {
  for (const folder of TEST_PATH) {
    for (const name of FD_NAMES) {
      const file = path.join(folder, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch {
        // not in this folder
      }
    }
  }
  return undefined;
}

/**
 * A PATH with no fd on it whatever the machine has: `node` (pi's own command runs `env node`) and ripgrep alone. For a
 * run of pi's read, grep, find and ls, which need nothing else.
 */
export function pathWithoutFd(): string[] {
  const nodeDir = tempDir('orchids-pi-node-');
  fs.symlinkSync(process.execPath, path.join(nodeDir, 'node'));
  return [nodeDir, RIPGREP_DIR];
}

export interface SavedSession {
  file: string;
  /** The file's lines, the header first. */
  entries: Array<Record<string, any>>;
}

/** The sessions pi saved under `agentDir`, oldest first (pi names each file by the time it began). */
export function savedSessions(agentDir: string): SavedSession[] {
  const root = path.join(agentDir, 'sessions');
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.jsonl'))
    .sort((a, b) => path.basename(a).localeCompare(path.basename(b)))
    .map((name) => {
      const file = path.join(root, name);
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      return { file, entries: lines.map((line) => JSON.parse(line) as Record<string, any>) };
    });
}

/** A saved session's prompts, answers, branch summaries and compactions' summaries, in the file's order. */
export function savedTexts({ entries }: SavedSession): string[] {
  return entries.flatMap((e) => {
    if (e.type === 'branch_summary') return [`summary: ${e.summary as string}`];
    if (e.type === 'compaction') return [`compaction: ${e.summary as string}`];
    if (e.type !== 'message') return [];
    const content = e.message.content as string | Array<{ type: string; text?: string }>;
    const text = typeof content === 'string' ? content : content.map((c) => c.text ?? '').join('');
    return [`${e.message.role as string}: ${text}`];
  });
}

/**
 * In pi's window: a first turn that keeps `word`, a second down a side path, then `/tree` back to the first answer
 * (the side path becomes the branch left behind), "Summarize" chosen in pi's "Summarize branch?" question and not yet
 * confirmed. The simulator must answer `Keep the word <word>` with `Kept <word> as GROVE-5.` and `Try the side path`
 * with `Side path tried with SIDE-88.`.
 */
export async function sideBranchThenTreeBack(tui: Terminal, word: string): Promise<void> {
  await tui.waitFor(/pi v0\.73/, 60_000);
  await tui.submit(`Keep the word ${word}`);
  await tui.waitFor(new RegExp(`Kept ${word} as GROVE-5\\.`), 60_000);
  await tui.submit('Try the side path');
  await tui.waitFor(/Side path tried with SIDE-88\./, 60_000);
  // /tree opens on the current leaf; two up is the first answer, an assistant entry: the leaf moves to it and the
  // editor stays empty.
  await tui.submit('/tree');
  await tui.waitFor(/Session Tree[\s\S]*› • assistant: Side path tried/);
  tui.press('Up');
  tui.press('Up');
  await tui.waitFor(new RegExp(`› • assistant: Kept ${word} as GROVE-5\\.`));
  tui.press('Enter');
  await tui.waitFor(/Summarize branch\?\s+→ No summary/);
  tui.press('Down');
  await tui.waitFor(/→ Summarize\s/);
}

/**
 * In pi's window after sideBranchThenTreeBack and a branch summary `The side path gave <code>.`, folded under
 * `[branch]`: Ctrl+O (pi's key for expanding tool output) unfolds it, and pi goes on: the next prompt carries the
 * summary and the shared turn, nothing of the branch left behind. The simulator must answer `What did the side path
 * give?` with `It gave <code>, as ROOT-12.`. Returns the text of that prompt's upstream request.
 */
export async function branchSummaryCarriedOn(stack: Stack, tui: Terminal, word: string, code: string): Promise<string> {
  tui.press('C-o');
  await tui.waitFor(new RegExp(`Branch Summary[\\s\\S]*The side path gave ${code}\\.`));
  await tui.submit('What did the side path give?');
  await tui.waitFor(new RegExp(`It gave ${code}, as ROOT-12\\.`), 60_000);
  const after = turnsAbout(stack, /What did the side path give/);
  expect(after).toHaveLength(1);
  const sent = upstreamText(after[0]!);
  expect(sent).toMatch(new RegExp(`summary of a branch[\\s\\S]*The side path gave ${code}\\.`));
  expect(sent).toContain(`Kept ${word} as GROVE-5.`);
  expect(sent).not.toMatch(/Try the side path|Side path tried/);
  return sent;
}
