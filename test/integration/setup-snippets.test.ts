import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY as KEY_PLACEHOLDER, snippets, type Part, type Snippet } from '../../renderer/src/lib/setup-snippets';
import { finish, sse, text } from '../sim/orchids-simulator';
import { served, startCliStack } from '../helpers/cli-clients';
import { LOOPBACK_ONLY } from '../helpers/continue';
import { KILO, kiloHome } from '../helpers/kilo';
import { PI } from '../helpers/pi';
import { runToExit } from '../helpers/processes';
import { QWEN } from '../helpers/qwen';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { clineSettingsAfter, providers as clineProviders, type ClineProvider } from '../helpers/cline';
import { config as continueConfig } from '../helpers/continue';
import { config as opencodeConfig, OPENCODE_MODEL, opencodeModel, opencodeReads, readRun } from '../helpers/opencode';
import { contextWindowFor, DEFAULT_MODEL_MAP, mapModel } from '../../main/core/orchids/model-map';

/**
 * The Overview's setup for opencode, Cline and Continue is what their real-client tests (opencode-cli, cline-cli,
 * cline-openai-cli, continue-cli) configure those clients with, read by the clients themselves where they can say
 * what they read: a change to either side that the other does not follow fails here, not in a user's terminal. Kilo
 * Code's, Qwen Code's and pi's are run by the real client against the app (below).
 */
const URL = 'http://127.0.0.1:3002';
const KEY = 'not-needed'; // what the window shows while no API key is set

function snippet(id: string): Snippet {
  const found = snippets(URL, false).find((s) => s.id === id);
  if (!found) throw new Error(`no ${id} snippet`);
  return found;
}

/** The tab's part of `kind`, the block its own Copy copies (the first such, or `at`). */
function part(of: Snippet, kind: Part['kind'], at = 0): string {
  const found = of.parts.filter((p) => p.kind === kind)[at];
  if (!found) throw new Error(`no ${kind} part in ${of.id}`);
  return found.text;
}

describe('the setup card', () => {
  it("opencode's file part, pasted as opencode.json, is read by opencode as the tests' provider", async () => {
    const code = part(snippet('opencode'), 'file');
    const tested = JSON.parse(opencodeConfig(URL, KEY, 'anthropic')) as Record<string, unknown>;
    const read = await opencodeReads(code);
    expect(read.model).toBe(tested.model);
    // opencode prints the key as *** : compared below, from the file itself.
    const provider = (read.provider as Record<string, { options: Record<string, unknown> }>)['orchids-tray']!;
    expect({ ...provider, options: { ...provider.options, apiKey: KEY } }).toEqual(
      (tested.provider as Record<string, unknown>)['orchids-tray'],
    );
    const { autoupdate: _a, share: _s, ...usersPart } = tested;
    expect(JSON.parse(code)).toEqual(usersPart);
    // And the command part is opencode's own.
    expect(part(snippet('opencode'), 'command')).toBe('opencode');
  }, 60_000);

  it("opencode's snippet gives a model opencode sends pictures and PDFs to, with the proxy's window", async () => {
    // Without it opencode sends "ERROR: Cannot read … (this model does not support image input)" in their place.
    const model = await opencodeModel(part(snippet('opencode'), 'file'));
    expect(model.capabilities.input).toMatchObject({ text: true, image: true, pdf: true });
    // The window it compacts by is the one the proxy's /v1/models gives for the model the id reaches upstream.
    const window = contextWindowFor(mapModel(OPENCODE_MODEL, DEFAULT_MODEL_MAP));
    expect(window).toBeGreaterThan(0);
    expect(model.limit.context).toBe(window);
  }, 60_000);

  it("Cline's commands, run as given, leave the providers.json the Cline tests run, both providers", async () => {
    const cline = snippet('cline');
    const commands = cline.parts.filter((p) => p.kind === 'command').map((p) => p.text);
    const auth = commands
      .flatMap((command) => command.split('\n'))
      .filter((line) => line.startsWith('cline auth '))
      .map((line) => line.split(' ').slice(1));
    expect(auth.map((args) => args[1])).toEqual(['anthropic', 'openai-compatible']);
    const written = (await clineSettingsAfter(...auth)) as {
      providers: Record<ClineProvider, { settings: Record<string, unknown> }>;
    };
    // The hand edit the edit part asks for: its `"baseUrl": …` line into the anthropic entry's settings.
    Object.assign(written.providers.anthropic.settings, JSON.parse(`{${part(cline, 'edit')}}`));
    for (const provider of ['anthropic', 'openai-compatible'] as const) {
      const tested = JSON.parse(clineProviders(URL, KEY, provider)) as typeof written;
      expect(written.providers[provider].settings, provider).toEqual(tested.providers[provider].settings);
    }
    // And the run line for each provider is the one the tests use (`-P <provider>`).
    expect(commands.join('\n')).toContain('cline -P anthropic ');
    expect(commands.join('\n')).toContain('cline -P openai-compatible ');
  }, 60_000);

  it("Continue's file part is the config.yaml the Continue test runs cn with, comments aside", () => {
    const lines = (text: string): string[] =>
      text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    expect(lines(part(snippet('continue'), 'file'))).toEqual(lines(continueConfig(URL, KEY, 'anthropic')));
  });
});

/**
 * A tab of a file and then the command to run in a terminal (Qwen Code's, pi's), each its own part with its own Copy:
 * the file part saved where its caption says, `~` a fresh home (so a wrong path there leaves the client without the
 * file); the command's leading `NAME=value` words are its environment.
 */
function savedThenCommand(of: Snippet): { home: string; env: Record<string, string>; args: string[] } {
  const file = of.parts.find((p) => p.kind === 'file');
  if (!file) throw new Error(`no file part in ${of.id}`);
  expect(file.path).toMatch(/^~\//);
  const home = tempDir(`orchids-${of.id}-home-`);
  const saved = path.join(home, file.path.slice(2));
  fs.mkdirSync(path.dirname(saved), { recursive: true });
  fs.writeFileSync(saved, file.text);
  const command = part(of, 'command');
  expect(command.split('\n')).toHaveLength(1);
  const words = command.split(' ');
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  return { home, env, args: words.slice(1) };
}

/** A Node client's environment (Qwen Code, pi) as their suites give it: `home`, no network beyond loopback, `env`. */
function nodeClientEnv(home: string, env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', NODE_OPTIONS: `--import=${LOOPBACK_ONLY}`, ...env };
}

/**
 * Kilo Code's, Qwen Code's and pi's setups, run once each by the real client against the app on the simulator: the
 * client reads the tab's file part, saved where the tab says, and its request reaches the app with the
 * snippet's URL and key (the app has a key, so any other key is refused) and the snippet's model. The runs are the
 * setup the client suites make, fed from the snippet in place of their own config.
 */
describe('the setup card, run by the real client', () => {
  const TRAY_KEY = 'test-snippet-key';
  const ANSWER = 'Hello from the setup card.';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startCliStack(pinnedMode('ws'), TRAY_KEY);
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hello') ? sse([...text(ANSWER), ...finish()]) : undefined,
    );
  });
  afterAll(async () => stack?.stop());

  /** The tab's snippet once the app has a key, the user's key pasted in place of the window's placeholder. */
  function pasted(id: string): Snippet {
    const found = snippets(stack.url, true).find((s) => s.id === id);
    if (!found) throw new Error(`no ${id} snippet`);
    expect(found.parts.map((p) => p.text).join('\n')).toContain(KEY_PLACEHOLDER);
    return { ...found, parts: found.parts.map((p) => ({ ...p, text: p.text.replaceAll(KEY_PLACEHOLDER, TRAY_KEY) })) };
  }

  /** What the app's history holds of the requests since `before` rows: the API each came in on, the model it named. */
  async function reached(before: number): Promise<Array<{ api: string; model: string; status: number }>> {
    await served(stack);
    return stack.core.internals.historyRepo
      .query({})
      .reverse()
      .slice(before)
      .map(({ api, model, status }) => ({ api, model, status }));
  }

  async function rows(): Promise<number> {
    return (await served(stack)).length;
  }

  it("Kilo's file part, pasted as ~/.config/kilo/kilo.json, is what `kilo run` asks the app with", async () => {
    const before = await rows();
    const kilo = pasted('kilo');
    // kiloHome: the file in a fresh home, KILO_TELEMETRY_LEVEL=off as the command part sets, Kilo's other calls
    // beyond loopback off as its suite runs it.
    expect(part(kilo, 'command')).toBe('KILO_TELEMETRY_LEVEL=off kilo run "…"');
    const env = kiloHome(part(kilo, 'file'));
    const args = ['run', '--format', 'json', '--title', 'orchids-tray test', 'Say hello'];
    const run = readRun(await runToExit(KILO, args, { cwd: tempDir('orchids-kilo-work-'), env, timeoutMs: 180_000 }));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(ANSWER);
    expect(await reached(before)).toEqual([{ api: 'anthropic', model: 'claude-sonnet-4-6', status: 200 }]);
  }, 240_000);

  it("Qwen Code's parts, its file as ~/.qwen/settings.json and its command, are how `qwen -p` asks", async () => {
    const before = await rows();
    const { home, env, args } = savedThenCommand(pasted('qwen'));
    // No OPENAI_MODEL, unlike the Qwen suite: the model is the file's, read only if Qwen reads the file.
    const run = await runToExit(QWEN, [...args, '-p', 'Say hello'], {
      cwd: tempDir('orchids-qwen-work-'),
      env: nodeClientEnv(home, env),
      timeoutMs: 80_000,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout.trim()).toBe(ANSWER);
    expect(await reached(before)).toEqual([{ api: 'openai-chat', model: 'claude-sonnet-4-6', status: 200 }]);
  }, 120_000);

  it("pi's parts, its file as ~/.pi/agent/models.json and its command, ask through both providers", async () => {
    const before = await rows();
    const { home, env, args } = savedThenCommand(pasted('pi'));
    // The command as given, then as its comment says for Chat Completions.
    const openai = args.map((arg) => (arg === 'orchids' ? 'orchids-openai' : arg));
    expect(openai).not.toEqual(args);
    for (const command of [args, openai]) {
      // Nothing of the machine's (extensions, skills, context files) and no session kept, as the pi suite runs it.
      const quiet = ['--no-extensions', '--no-skills', '--no-context-files', '--no-session'];
      const run = await runToExit(PI, [...command, ...quiet, '-p', 'Say hello'], {
        cwd: tempDir('orchids-pi-work-'),
        env: nodeClientEnv(home, env),
        timeoutMs: 80_000,
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.stdout.trim()).toBe(ANSWER);
    }
    expect(await reached(before)).toEqual([
      { api: 'anthropic', model: 'claude-sonnet-4-6', status: 200 },
      { api: 'openai-chat', model: 'claude-sonnet-4-6', status: 200 },
    ]);
  }, 180_000);
});
