/** The request bodies the benchmark sends, built once per run and handed to the load generator as text. */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root, found from wherever this file runs (test/bench in source, dist/test/bench when built). */
export const ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export const FIXTURE_PATH = path.resolve(ROOT, 'test/fixtures/claude-code/messages-request-2.1.197.json');

/** A short chat turn: what most SDK calls look like. */
export function shortBody(stream: boolean): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 256,
    stream,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
  });
}

/** The same turn as `shortBody`, as an OpenAI Chat Completions request. */
export function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_completion_tokens: 256,
    stream,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
  });
}

/**
 * Claude Code 2.1.197's real turn (76 KB), sent as is except for `stream`, which the row sets. The recorded body
 * already has stream:true, so the streamed row sends exactly the recorded bytes.
 */
export function fixtureBody(stream: boolean): string {
  const text = fs.readFileSync(FIXTURE_PATH, 'utf8');
  if (stream) return text;
  const parsed = JSON.parse(text) as Record<string, unknown>;
  parsed.stream = false;
  return JSON.stringify(parsed);
}

const FILLER = 'The quick brown fox jumps over the lazy dog while the proxy forwards every byte. ';

/**
 * A conversation of about `bytes` bytes: alternating ~2 KB user and assistant turns, the shape a long agent session
 * has, rather than one giant string (which would flatter every JSON step).
 */
export function sizedBody(bytes: number, stream = false): string {
  const turnText = FILLER.repeat(Math.max(1, Math.round(2048 / FILLER.length)));
  const messages: Array<{ role: string; content: string }> = [];
  const base = { model: 'claude-sonnet-4-6', max_tokens: 256, stream, messages };
  // Sizes add up per message (its JSON plus a comma), so the loop never re-serialises the whole body.
  let size = JSON.stringify(base).length;
  while (size < bytes) {
    const remaining = bytes - size;
    const content = remaining >= turnText.length + 40 ? turnText : turnText.slice(0, Math.max(1, remaining - 40));
    const message = { role: messages.length % 2 === 0 ? 'user' : 'assistant', content };
    messages.push(message);
    size += JSON.stringify(message).length + (messages.length > 1 ? 1 : 0);
  }
  // The conversation must end on the user's turn.
  if (messages.at(-1)?.role !== 'user') messages.push({ role: 'user', content: 'Go on.' });
  return JSON.stringify(base);
}

export function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * The V8 flags `npm start` and `npm run headless` give the app (package.json `config.nodeFlags`, which
 * scripts/start.mjs reads too), so the benchmark measures the app as it is launched (a bigger young generation,
 * which the README explains) rather than with node's defaults.
 */
export function appNodeFlags(): string[] {
  const flags = packageConfig().nodeFlags;
  if (typeof flags !== 'string') throw new Error("package.json: `config.nodeFlags` (the app's node flags) is missing");
  return flags.split(/\s+/).filter(Boolean);
}

/**
 * The environment `npm start` and `npm run headless` start the app with (package.json `config.appEnv`: the C
 * allocator's settings, see scripts/start.mjs). As in start.mjs, a value set in the environment wins, so
 * `MALLOC_ARENA_MAX=8 npm run bench` measures that value instead.
 */
export function appEnv(): Record<string, string> {
  const text = packageConfig().appEnv;
  if (typeof text !== 'string') throw new Error("package.json: `config.appEnv` (the app's environment) is missing");
  const env: Record<string, string> = {};
  for (const pair of text.split(/\s+/).filter(Boolean)) {
    const name = pair.slice(0, pair.indexOf('='));
    env[name] = process.env[name] ?? pair.slice(pair.indexOf('=') + 1);
  }
  return env;
}

function packageConfig(): { nodeFlags?: unknown; appEnv?: unknown } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    config?: { nodeFlags?: unknown; appEnv?: unknown };
  };
  return pkg.config ?? {};
}
