import fs from 'node:fs';
import path from 'node:path';
import { runToExit, type Exited } from './processes';
import { tempDir } from './temp-dir';

/**
 * The real Cline CLI, pinned in devDependencies (its platform binary comes as an optional dependency).
 * ORCHIDS_TEST_CLINE runs another copy of it, e.g. one installed outside the project to try a new version.
 */
export const CLINE = process.env.ORCHIDS_TEST_CLINE ?? path.resolve(__dirname, '../../node_modules/.bin/cline');

/** The model id Cline asks the proxy for: one the model table maps, as a user would pick. */
export const CLINE_MODEL = 'claude-sonnet-4-6';

/** One line of `cline --json`: `agent_event`, `hook_event`, `run_result` or `error`. */
export interface ClineLine {
  type: string;
  event?: { type: string; [key: string]: unknown };
  text?: string;
  finishReason?: string;
  message?: string;
  [key: string]: unknown;
}

export interface ClineRun extends Exited {
  /** The JSON lines of the transcript, parsed. */
  lines: ClineLine[];
  /** The agent events (`content_start`, `tool_call_start`, `done` …), in order. */
  events: Array<{ type: string; [key: string]: unknown }>;
  /** The `run_result` line's text: what Cline answers the user. */
  finalText: string | undefined;
  /** The `run_result` line's finish reason (`completed` when the model ended its turn). */
  finishReason: string | undefined;
}

/**
 * Which of Cline's providers talks to the proxy: `anthropic` posts to `<baseUrl>/messages`, `openai-compatible`
 * (the "OpenAI Compatible" provider, the Vercel AI SDK's) to `<baseUrl>/chat/completions`.
 */
export type ClineProvider = 'anthropic' | 'openai-compatible';

/**
 * Cline's provider settings as `cline auth <provider> -k … -m …` writes them, with the base URL, which `cline auth`
 * takes (`-b`) only for OpenAI-style providers but the Anthropic provider reads from this file too. The URL ends
 * in `/v1` for both.
 */
export function providers(baseUrl: string, apiKey: string, provider: ClineProvider, model = CLINE_MODEL): string {
  const settings = { provider, apiKey, model, baseUrl: `${baseUrl}/v1` };
  return JSON.stringify({
    version: 1,
    lastUsedProvider: provider,
    modes: {},
    providers: { [provider]: { settings, updatedAt: new Date().toISOString(), tokenSource: 'manual' } },
  });
}

export interface ClineOptions {
  timeoutMs?: number;
  /** `anthropic` unless given. */
  provider?: ClineProvider;
  /** Cline's `--thinking <level>`: the reasoning effort it asks the provider for. */
  thinking?: 'none' | 'low' | 'medium' | 'high' | 'xhigh';
  /** More of Cline's environment, e.g. one of its `CLINE_MESSAGE_BUILDER_*` limits. */
  env?: Record<string, string>;
  /** More of Cline's options, before the prompt: `--auto-approve false`. */
  args?: string[];
  /**
   * The model id, CLINE_MODEL unless given: Cline picks its file tool by it (an id holding `gpt` or `codex` gets
   * `apply_patch` in place of `editor`).
   */
  model?: string;
}

/**
 * Runs `cline --json -P <provider> -m <model> <prompt>` in `cwd` as a user would, pointed at the proxy by a fresh
 * home whose `~/.cline/data/settings/providers.json` names it, with every call it would make beyond loopback
 * switched off (this machine, like CI, reaches no model host): OpenTelemetry export to otel.cline.bot
 * (`telemetryOptOut`), the update check, and the PostHog feature flags from data.cline.bot, which only
 * `IS_TEST=true` turns off (it does nothing else in 3.0.65). Killed after `timeoutMs`; Cline's own `--timeout`
 * ends the task a little earlier, so a hang shows as Cline's error rather than a kill.
 */
export function runCline(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  options: ClineOptions = {},
): Promise<ClineRun> {
  const provider = options.provider ?? 'anthropic';
  const model = options.model ?? CLINE_MODEL;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const args = [
    '--json',
    '-P',
    provider,
    '-m',
    model,
    '-c',
    cwd,
    '--timeout',
    String(Math.max(1, Math.floor(timeoutMs / 1000) - 5)),
    ...(options.thinking ? ['--thinking', options.thinking] : []),
    ...(options.args ?? []),
    prompt,
  ];
  const run = runToExit(CLINE, args, {
    cwd,
    timeoutMs,
    env: { PATH: process.env.PATH ?? '', ...clineEnv(baseUrl, apiKey, provider, model), NO_COLOR: '1', ...options.env },
  });
  return run.then((exited) => {
    const lines = exited.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as ClineLine);
    const events = lines.flatMap((l) => (l.type === 'agent_event' && l.event ? [l.event] : []));
    const result = lines.find((l) => l.type === 'run_result');
    return { ...exited, lines, events, finalText: result?.text, finishReason: result?.finishReason };
  });
}

/**
 * The environment of a Cline run pointed at the proxy: a fresh home whose `~/.cline/data/settings/providers.json`
 * names it, opted out of telemetry and updates, and the switches that keep Cline on loopback (see runCline).
 */
export function clineEnv(
  baseUrl: string,
  apiKey: string,
  provider: ClineProvider,
  model = CLINE_MODEL,
): Record<string, string> {
  const home = tempDir('orchids-cline-home-');
  const settingsDir = path.join(home, '.cline', 'data', 'settings');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'providers.json'), providers(baseUrl, apiKey, provider, model));
  fs.writeFileSync(
    path.join(settingsDir, 'global-settings.json'),
    JSON.stringify({ telemetryOptOut: true, autoUpdateEnabled: false }),
  );
  return {
    HOME: home,
    // Without it Cline starts a hub daemon that outlives the run, detached, and keeps the session there.
    CLINE_SESSION_BACKEND_MODE: 'local',
    CLINE_NO_AUTO_UPDATE: '1',
    IS_TEST: 'true',
  };
}

/**
 * Runs `cline <args>` (e.g. `auth …`) in a fresh home that has opted out of telemetry, as the README says to, so it
 * contacts nothing beyond loopback; returns what it left in `~/.cline/data/settings/providers.json`, parsed.
 */
export async function clineSettingsAfter(...commands: string[][]): Promise<unknown> {
  const home = tempDir('orchids-cline-home-');
  const settingsDir = path.join(home, '.cline', 'data', 'settings');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'global-settings.json'), JSON.stringify({ telemetryOptOut: true }));
  for (const args of commands) {
    const exited = await runToExit(CLINE, args, {
      cwd: home,
      env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', CLINE_NO_AUTO_UPDATE: '1', IS_TEST: 'true' },
    });
    if (exited.code !== 0) throw new Error(`cline ${args.join(' ')} exited ${exited.code}: ${exited.stderr}`);
  }
  return JSON.parse(fs.readFileSync(path.join(settingsDir, 'providers.json'), 'utf8'));
}

/** The tool calls Cline ran, as its `content_end` events for tools report them once finished. */
export function toolRuns(run: ClineRun): Array<{ toolName: unknown; toolCallId: unknown; output: unknown }> {
  return run.events
    .filter((e) => e.type === 'content_end' && e.contentType === 'tool')
    .map(({ toolName, toolCallId, output }) => ({ toolName, toolCallId, output }));
}

/** The input each tool call reached Cline with. */
export function toolInputs(run: ClineRun): unknown[] {
  return run.events.filter((e) => e.type === 'content_start' && e.contentType === 'tool').map((e) => e.input);
}
