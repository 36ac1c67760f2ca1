import fs from 'node:fs';
import path from 'node:path';
import { runToExit, type Exited } from './processes';
import { tempDir } from './temp-dir';

/**
 * The real opencode CLI, pinned in devDependencies (its platform binary comes as an optional dependency).
 * ORCHIDS_TEST_OPENCODE runs another copy of it, e.g. one installed outside the project to try a new version.
 */
export const OPENCODE =
  process.env.ORCHIDS_TEST_OPENCODE ?? path.resolve(__dirname, '../../node_modules/.bin/opencode');

/**
 * opencode's glob and grep tools run ripgrep, which opencode (and Kilo, its fork) downloads from GitHub when there is
 * none on PATH (this machine and CI have none, and reach no GitHub): the static one the pinned Codex CLI ships serves
 * instead, first on the PATH this returns.
 */
export function pathWithRipgrep(): string {
  return `${RIPGREP_DIR}${path.delimiter}${process.env.PATH ?? ''}`;
}

const RIPGREP_DIR = path.resolve(
  __dirname,
  '../../node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/codex-path',
);

/** The version the config folder below claims to have installed its plugin package at. */
const OPENCODE_VERSION = '1.18.33';

/** The model id opencode asks the proxy for: one the model table maps, as a user would pick. */
export const OPENCODE_MODEL = 'claude-sonnet-4-6';

/** What the model takes and gives: text, pictures and PDFs in, text out. */
const MODALITIES = { input: ['text', 'image', 'pdf'], output: ['text'] };

/**
 * The window of the model the id reaches upstream (what `/v1/models` gives as `max_input_tokens`), and the most
 * opencode asks for in one answer anyway (its own cap, 32,000): it compacts once a turn's tokens pass the difference.
 */
const LIMIT = { context: 200_000, output: 32_000 };

/** How opencode talks to the proxy: the Vercel AI SDK's Anthropic provider, or its OpenAI-compatible one. */
export type OpencodeApi = 'anthropic' | 'openai-chat';

const PROVIDER_PACKAGE: Record<OpencodeApi, string> = {
  anthropic: '@ai-sdk/anthropic',
  'openai-chat': '@ai-sdk/openai-compatible',
};

/** One tool call opencode ran, as its `tool_use` event reports it once finished. */
export interface OpencodeToolPart {
  tool: string;
  callID: string;
  state: { status: string; input?: Record<string, unknown>; output?: string; error?: string };
}

/** One line of `opencode run --format json`: `step_start`, `text`, `tool_use`, `step_finish`, `error`. */
export interface OpencodeEvent {
  type: string;
  part?: { type: string; text?: string; reason?: string } & Partial<OpencodeToolPart>;
  error?: unknown;
  [key: string]: unknown;
}

export interface OpencodeRun extends Exited {
  /** The JSON lines of the transcript, parsed. */
  events: OpencodeEvent[];
  /** The tool calls opencode ran, in order. */
  tools: OpencodeToolPart[];
  /** The text of the last `text` part: what opencode answers the user. */
  finalText: string | undefined;
}

/**
 * The `opencode.json` a user writes to point opencode at the proxy (README "Point your tools at it"), plus what a
 * test needs: no auto-update, no sharing.
 */
export function config(baseUrl: string, apiKey: string, api: OpencodeApi, model: OpencodeModelChoice = {}): string {
  const id = model.id ?? OPENCODE_MODEL;
  const reasoning = model.reasoning ? { reasoning: true } : {};
  // The default's name is the window's setup snippet's (setup-snippets.test.ts compares the two).
  const name = model.id === undefined ? 'Claude Sonnet 4.6 via Orchids Tray' : `${id} via Orchids Tray`;
  return JSON.stringify(
    {
      $schema: 'https://opencode.ai/config.json',
      provider: {
        'orchids-tray': {
          npm: PROVIDER_PACKAGE[api],
          name: 'Orchids Tray',
          options: { baseURL: `${baseUrl}/v1`, apiKey },
          // Without `modalities` opencode takes the model for text-only: it replaces a pasted picture or PDF, and one
          // its read tool opens, by "ERROR: Cannot read … (this model does not support image input)".
          // `limit` tells it the model's window: without it opencode never compacts on its own.
          models: { [id]: { name, modalities: MODALITIES, limit: LIMIT, ...reasoning } },
        },
      },
      model: `orchids-tray/${id}`,
      autoupdate: false,
      share: 'disabled',
    },
    null,
    2,
  );
}

/**
 * The model a test's config names, when not OPENCODE_MODEL: another `id` the proxy serves (opencode picks its tools
 * by the id: a `gpt-` one gets `apply_patch` in place of `edit` and `write`), and `reasoning`, which gives the model
 * opencode's variants (`--variant high` asks for thinking).
 */
export interface OpencodeModelChoice {
  id?: string;
  reasoning?: boolean;
}

export interface OpencodeOptions {
  api?: OpencodeApi;
  /** The model the config names (see OpencodeModelChoice); ignored with `env`. */
  model?: OpencodeModelChoice;
  timeoutMs?: number;
  /** More of `opencode run`'s options, before the prompt: `--agent plan`, `--continue`, `--session <id>`. */
  args?: string[];
  /** The environment of a home made by opencodeHome, to run again in one that keeps an earlier run's sessions. */
  env?: NodeJS.ProcessEnv;
}

/**
 * `home` as the whole of a client's home: opencode and its forks keep config, data, cache and state under the XDG
 * folders, so each must point inside it for a run to leave the real home alone. Colour off for readable output.
 */
export function xdgHome(home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    NO_COLOR: '1',
  };
}

/**
 * A fresh home whose `~/.config/opencode/opencode.json` is `configText`, and the environment that runs opencode in it
 * with every call it would make beyond loopback switched off (this machine, like CI, reaches no model host):
 * models.dev (it reads an empty catalog, see inside), the auto-updater, LSP server downloads, sharing, the
 * default plugins, and the npm install of `@opencode-ai/plugin` it starts in its config folder on every run (see
 * inside).
 */
export function opencodeHome(configText: string): NodeJS.ProcessEnv {
  const home = tempDir('orchids-opencode-home-');
  const configDir = path.join(home, '.config', 'opencode');
  fs.mkdirSync(path.join(configDir, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(configDir, 'opencode.json'), configText);
  // opencode installs its plugin package from the npm registry into its config folder, in the background, unless
  // the folder's node_modules exists and package.json and package-lock.json both list it: say it is installed.
  const dependencies = { '@opencode-ai/plugin': OPENCODE_VERSION };
  fs.writeFileSync(path.join(configDir, 'package.json'), JSON.stringify({ dependencies }));
  fs.writeFileSync(
    path.join(configDir, 'package-lock.json'),
    JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies } } }),
  );
  // DECISION: an empty models.dev catalog (`{}`, read from OPENCODE_MODELS_PATH in place of the one built into the
  // binary) spares each run a third of its CPU, spent making a model list of the built-in catalog's thousands: one
  // `opencode run` against a loopback server, 5.9 → 3.8 s CPU, 4.3 → 2.9 s wall. The proxy's provider gets nothing
  // from the catalog: opencode 1.18.33 completes a config model's capabilities, limits and variants only from a
  // catalog provider of the same id, and there is no `orchids-tray` (`opencode models orchids-tray --verbose` prints
  // the same model either way, both APIs, with `reasoning` and with a `gpt-` id). What goes is the catalog's own
  // providers, the free `opencode/…` models among them, which no test uses; a title's small model is looked for in
  // the session's provider only. Dropped, the tests only run slower.
  const catalog = path.join(home, 'models.json');
  fs.writeFileSync(catalog, '{}');
  return {
    PATH: pathWithRipgrep(),
    ...xdgHome(home),
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    // Only the config above: none found in the folders above the temp work folder.
    OPENCODE_DISABLE_PROJECT_CONFIG: '1',
    OPENCODE_MODELS_PATH: catalog,
    ...BUN_SYSTEM_MALLOC,
  };
}

/**
 * DECISION: opencode and Kilo are Bun binaries, and each run costs some 8–12 s of CPU (7 user, 2–4 system; 500 MB) to
 * answer one prompt, the whole of a test's time on a two-core machine. A third of it went to 22,000 `madvise` calls
 * of JavaScriptCore's allocator (libpas) giving pages back, each a TLB flush across the cores in this VM. `Malloc=1`
 * (WebKit's switch to the system allocator) cuts them to 1,000 and a run's CPU by about a quarter (9.2 → 7.0 s in
 * three runs each). It changes how the client gets memory, nothing it does or sends; dropped, the tests only run
 * slower.
 */
export const BUN_SYSTEM_MALLOC = { Malloc: '1' };

/** The configuration opencode reads from `configText` as its opencode.json (`opencode debug config`), as JSON. */
export async function opencodeReads(configText: string): Promise<Record<string, unknown>> {
  const exited = await runToExit(OPENCODE, ['debug', 'config'], {
    cwd: tempDir('orchids-opencode-work-'),
    env: opencodeHome(configText),
  });
  if (exited.code !== 0) throw new Error(`opencode debug config exited ${exited.code}: ${exited.stderr}`);
  return JSON.parse(exited.stdout) as Record<string, unknown>;
}

/** What `opencode models --verbose` says of a model: what it takes in, and the window it compacts by. */
interface OpencodeModel {
  capabilities: { input: Record<string, boolean> };
  limit: { context: number; output: number };
}

/**
 * The proxy's model as opencode makes it out from `configText` (`opencode models orchids-tray --verbose`): what it
 * takes as input decides whether opencode sends a pasted picture or an error line in its place, and its `limit` when
 * it compacts on its own.
 */
export async function opencodeModel(configText: string): Promise<OpencodeModel> {
  const exited = await runToExit(OPENCODE, ['models', 'orchids-tray', '--verbose'], {
    cwd: tempDir('orchids-opencode-work-'),
    env: opencodeHome(configText),
  });
  if (exited.code !== 0) throw new Error(`opencode models exited ${exited.code}: ${exited.stderr}`);
  // The model's id on a line of its own, then the model as JSON.
  return JSON.parse(exited.stdout.slice(exited.stdout.indexOf('\n{') + 1)) as OpencodeModel;
}

/**
 * Runs `opencode run --format json <prompt>` in `cwd` as a user would, pointed at the proxy by a fresh home whose
 * `~/.config/opencode/opencode.json` names it as a provider, with nothing beyond loopback (see opencodeHome).
 * Killed after `timeoutMs`.
 */
export function runOpencode(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  options: OpencodeOptions = {},
): Promise<OpencodeRun> {
  const env = options.env ?? opencodeHome(config(baseUrl, apiKey, options.api ?? 'anthropic', options.model));
  const args = [
    'run',
    '--format',
    'json',
    // Without a title opencode asks the model for one in a request of its own, beside the conversation's.
    '--title',
    'orchids-tray test',
    ...(options.args ?? []),
    prompt,
  ];
  const run = runToExit(OPENCODE, args, {
    cwd,
    timeoutMs: options.timeoutMs,
    env,
  });
  return run.then(readRun);
}

/** What a `run --format json` printed, read: opencode's, and Kilo's (a fork of opencode that prints the same lines). */
export function readRun(exited: Exited): OpencodeRun {
  const events = exited.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as OpencodeEvent);
  const tools = events.flatMap((e) => (e.type === 'tool_use' && e.part ? [e.part as OpencodeToolPart] : []));
  const finalText = events.filter((e) => e.type === 'text').at(-1)?.part?.text;
  return { ...exited, events, tools, finalText };
}
