import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { displayName } from '../../main/core/api/models-list';
import { runToExit, type Exited } from './processes';
import { tempDir } from './temp-dir';

/** The real Codex CLI, pinned in devDependencies (its platform binary comes as an optional dependency). */
const CODEX = path.resolve(__dirname, '../../node_modules/.bin/codex');

/** The model id Codex asks the proxy for: one the model table maps, as a user would pick. */
export const CODEX_MODEL = 'claude-sonnet-4-6';

/** The environment variable the provider's `env_key` names: Codex sends its value as the bearer token. */
export const CODEX_KEY_VARIABLE = 'ORCHIDS_TRAY_API_KEY';

/** One line of `codex exec --json`: `thread.started`, `turn.started`, `item.completed`, `turn.completed`, … */
export interface CodexEvent {
  type: string;
  item?: { id: string; type: string; text?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface CodexRun extends Exited {
  /** The JSONL transcript, parsed. */
  events: CodexEvent[];
  /** Items Codex finished (`agent_message`, `command_execution`, `file_change`, `error`, …), in order. */
  items: NonNullable<CodexEvent['item']>[];
  /** The text of the last `agent_message`: what Codex answers the user. */
  finalMessage: string | undefined;
  /** The run's `CODEX_HOME`, where a persistent run's session is kept (see `resumeIn`). */
  home: string;
}

let catalog: string | undefined;

/**
 * Codex declares its tools from its model catalog: for an id it does not know (every Claude id) it falls back to
 * metadata that has no apply_patch tool (the model is told to patch through the shell). The catalog entry Codex 0.171
 * ships for gpt-5.5, under our model id and the name the proxy's catalog gives it, gets the freeform `apply_patch` tool
 * declared as it is for OpenAI's models. That entry says `supports_search_tool: true`, with which Codex declares a
 * `tool_search` tool (which the proxy leaves out: the upstream has no deferred tools to find) instead of its sub-agent
 * and MCP namespaces, meant to be found through it; the entry is given `false`, so they are declared. Read from the
 * pinned binary itself, once per test file, so it stays in step with the version. Users need no such file since the
 * proxy answers Codex's catalog request (`catalog: 'provider'`); the default keeps the tests on the tool set Codex
 * gives gpt-5.5.
 */
function modelCatalog(home: string): string {
  if (catalog === undefined) {
    const bundled = JSON.parse(
      execFileSync(CODEX, ['debug', 'models'], {
        env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home },
        encoding: 'utf8',
        timeout: 30_000,
      }),
    ) as { models: Array<Record<string, unknown>> };
    const template = bundled.models.find((m) => m.slug === 'gpt-5.5');
    if (!template) throw new Error('codex debug models no longer lists gpt-5.5: pick another template');
    catalog = JSON.stringify({
      models: [
        {
          ...template,
          slug: CODEX_MODEL,
          display_name: displayName(CODEX_MODEL, CODEX_MODEL),
          supports_search_tool: false,
        },
      ],
    });
  }
  return catalog;
}

/**
 * The `config.toml` a user writes to point Codex at the proxy (README "Point your tools at it"), plus the settings a
 * test needs: no update check, no analytics, no retries (a failure should fail the test now, not after back-off).
 * Web search and sub-agents stay as Codex sets them by default: it declares a hosted `web_search` tool, which the
 * proxy leaves out, and a `namespace` of sub-agent tools, which it offers (README "OpenAI's APIs"). An MCP server
 * named in `mcpServers` is started by Codex over stdio (`node <script>`).
 */
function configToml(
  baseUrl: string,
  catalogPath: string | undefined,
  catalogUrl: boolean,
  mcpServers: Record<string, string>,
  updatePlan: boolean,
  builtin: boolean,
  compactAt: number | undefined,
  defaultRetries: boolean,
): string {
  // Codex's built-in `openai` provider takes only its base URL from config.toml (`openai_base_url`), the key from
  // CODEX_API_KEY (codexEnv: `codex exec` 0.171 reads no OPENAI_API_KEY), and keeps its own retry settings.
  const provider = builtin
    ? [`openai_base_url = ${JSON.stringify(`${baseUrl}/v1`)}`]
    : [
        '',
        '[model_providers.orchids-tray]',
        'name = "Orchids Tray"',
        `base_url = ${JSON.stringify(`${baseUrl}/v1`)}`,
        // The proxy answers Codex's catalog request with metadata for every id it lists (README "Point your tools at
        // it").
        ...(catalogUrl ? [`model_catalog_url = ${JSON.stringify(`${baseUrl}/v1/models`)}`] : []),
        'wire_api = "responses"',
        `env_key = "${CODEX_KEY_VARIABLE}"`,
        ...(defaultRetries ? [] : ['request_max_retries = 0', 'stream_max_retries = 0']),
      ];
  return [
    `model = "${CODEX_MODEL}"`,
    ...(builtin ? [] : ['model_provider = "orchids-tray"']),
    ...(catalogPath ? [`model_catalog_json = ${JSON.stringify(catalogPath)}`] : []),
    'check_for_update_on_startup = false',
    '',
    ...(builtin ? provider : []),
    ...(compactAt === undefined ? [] : [`model_auto_compact_token_limit = ${compactAt}`]),
    '',
    '[analytics]',
    'enabled = false',
    ...(builtin ? [] : provider),
    '',
    // Codex 0.171 declares its `update_plan` tool only when this is on (off by default, in the TUI as in exec).
    ...(updatePlan ? ['[tools.update_plan]', 'enabled = true', ''] : []),
    ...Object.entries(mcpServers).flatMap(([name, script]) => [
      `[mcp_servers.${name}]`,
      'command = "node"',
      `args = [${JSON.stringify(script)}]`,
      '',
    ]),
  ].join('\n');
}

/**
 * A stdio MCP server (newline-delimited JSON-RPC, as Codex speaks it) with one tool, `word_of_day`, answering
 * `The word is <word>.`: written to a file in `dir`, whose path goes into `mcpServers`.
 */
export function tinyMcpServer(dir: string, word: string): string {
  const script = path.join(dir, 'tiny-mcp-server.cjs');
  const tool = {
    name: 'word_of_day',
    description: 'Tells the word of the day.',
    inputSchema: { type: 'object', properties: { lang: { type: 'string' } } },
  };
  fs.writeFileSync(
    script,
    [
      "const lines = require('node:readline').createInterface({ input: process.stdin });",
      "const send = (id, result) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id, result }) + '\\n');",
      "lines.on('line', (line) => {",
      '  const message = JSON.parse(line);',
      '  if (message.id === undefined) return;',
      "  if (message.method === 'initialize') {",
      '    send(message.id, { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} },',
      "      serverInfo: { name: 'tiny', version: '1.0.0' } });",
      `  } else if (message.method === 'tools/list') send(message.id, { tools: [${JSON.stringify(tool)}] });`,
      "  else if (message.method === 'tools/call') {",
      `    send(message.id, { content: [{ type: 'text', text: ${JSON.stringify(`The word is ${word}.`)} }] });`,
      '  } else send(message.id, {});',
      '});',
      '',
    ].join('\n'),
  );
  return script;
}

export interface CodexOptions {
  /**
   * Where Codex finds metadata for the model id: `true` (the default), a catalog file made from Codex's own gpt-5.5
   * entry; `'provider'`, the proxy's `GET /v1/models` through the provider's `model_catalog_url`, as README tells a
   * user; `false`, nowhere (Codex falls back to metadata without apply_patch).
   */
  catalog?: boolean | 'provider';
  /** MCP servers for Codex to start: name → a Node script speaking MCP over stdio (see `tinyMcpServer`). */
  mcpServers?: Record<string, string>;
  /** Turns on Codex's `update_plan` tool (`[tools.update_plan] enabled = true`), off unless config.toml says so. */
  updatePlan?: boolean;
  /**
   * Points Codex's built-in `openai` provider at the proxy (`openai_base_url`, the key in CODEX_API_KEY) instead of
   * declaring a model provider: WebSocket first, remote compaction (README "Point your tools at it").
   */
  builtinProvider?: boolean;
  /** Codex compacts the conversation once it holds this many tokens (`model_auto_compact_token_limit`). */
  compactAt?: number;
  /**
   * Leaves the custom provider's retries as Codex sets them by default, as README's config.toml does, instead of none
   * (`request_max_retries` and `stream_max_retries` 0).
   */
  defaultRetries?: boolean;
  /** Extra config.toml lines (features, collaboration modes …), appended as written. */
  extraConfig?: string[];
  /**
   * Codex's log filter (`RUST_LOG`, e.g. `warn`): what it writes on stderr beyond its errors, such as the startup
   * prewarm's failure, which it logs as a warning only.
   */
  logLevel?: string;
  /** Keeps the session (no `--ephemeral`): Codex declares its goal tools only on a thread it persists. */
  persistent?: boolean;
  /**
   * Goes on with the newest session kept in `home` (`codex exec resume --last`), the prompt as the next turn's input:
   * the `CODEX_HOME` of an earlier run with `persistent` (`CodexRun.home`).
   */
  resumeIn?: string;
  /**
   * Runs Codex in its `workspace-write` sandbox with the temp folders not writable, so that only `cwd` (a temp folder
   * itself) is, under Codex's default approvals (`codex exec`: none; its TUI: `on-request`): instead of without
   * sandbox or approvals.
   */
  workspaceOnly?: boolean;
  timeoutMs?: number;
}

/**
 * A fresh `CODEX_HOME` whose config.toml names the proxy at `baseUrl` as the model provider (README "Point your tools
 * at it"), for `codex exec` or Codex's TUI.
 */
export function codexHome(baseUrl: string, options: CodexOptions = {}): string {
  const home = tempDir('orchids-codex-home-');
  let catalogPath: string | undefined;
  const metadata = options.catalog ?? true;
  if (metadata === true) {
    catalogPath = path.join(home, 'orchids-models.json');
    fs.writeFileSync(catalogPath, modelCatalog(home));
  }
  fs.writeFileSync(
    path.join(home, 'config.toml'),
    configToml(
      baseUrl,
      catalogPath,
      metadata === 'provider',
      options.mcpServers ?? {},
      options.updatePlan ?? false,
      options.builtinProvider ?? false,
      options.compactAt,
      options.defaultRetries ?? false,
    ) + (options.extraConfig ?? []).map((line) => `${line}\n`).join(''),
  );
  return home;
}

/**
 * Runs `codex exec --json <prompt>` in `cwd` as a user would, pointed at the proxy by a fresh `CODEX_HOME` whose
 * config.toml names it as the model provider, with `apiKey` in the provider's key variable: no login, nothing
 * reached but loopback (this machine, like CI, has no internet). Commands run without Codex's sandbox (unless
 * `workspaceOnly`): the container has none to offer, and the test scripts every command it runs in a temp folder.
 * Killed after `timeoutMs`.
 */
export function runCodex(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  options: CodexOptions = {},
): Promise<CodexRun> {
  const home = options.resumeIn ?? codexHome(baseUrl, options);
  const args = [
    'exec',
    ...(options.resumeIn ? ['resume', '--last'] : []),
    // A setting this version does not know fails the run instead of being ignored with a warning.
    '--strict-config',
    '--json',
    ...(options.persistent || options.resumeIn ? [] : ['--ephemeral']),
    '--skip-git-repo-check',
    // `exec resume` takes no --color (its output is JSON here anyway).
    ...(options.resumeIn ? [] : ['--color', 'never']),
    ...(options.workspaceOnly ? WORKSPACE_ONLY : ['--dangerously-bypass-approvals-and-sandbox']),
    prompt,
  ];
  return runCodexArgs(cwd, args, home, apiKey, options.timeoutMs, options.builtinProvider, options.logLevel);
}

/**
 * Codex's `workspace-write` sandbox with the temp folders it allows by default excluded (`[sandbox_workspace_write]`),
 * so that only the work folder (a temp folder itself) is writable: `CodexOptions.workspaceOnly`'s flags.
 */
export const WORKSPACE_ONLY = [
  '--sandbox',
  'workspace-write',
  ...['exclude_slash_tmp', 'exclude_tmpdir_env_var'].flatMap((key) => ['-c', `sandbox_workspace_write.${key}=true`]),
];

/**
 * Runs Codex's code review in `cwd` (`codex exec review --json`, of the uncommitted changes unless `target` names
 * another preset: `['--base', branch]`, `['--commit', sha]`, or custom instructions), as `runCodex` runs a prompt: a
 * review is a turn of its own whose final message Codex reads as JSON findings.
 */
export function runCodexReview(
  cwd: string,
  baseUrl: string,
  apiKey: string,
  options: CodexOptions & { target?: string[] } = {},
): Promise<CodexRun> {
  const home = codexHome(baseUrl, options);
  // `exec review` takes no --color; its output is JSON here anyway.
  const args = ['exec', 'review', ...(options.target ?? ['--uncommitted']), '--strict-config', '--json', '--ephemeral'];
  args.push('--dangerously-bypass-approvals-and-sandbox');
  return runCodexArgs(cwd, args, home, apiKey, options.timeoutMs);
}

function runCodexArgs(
  cwd: string,
  args: string[],
  home: string,
  apiKey: string,
  timeoutMs: number | undefined,
  builtin = false,
  logLevel?: string,
): Promise<CodexRun> {
  const run = runToExit(CODEX, args, {
    cwd,
    timeoutMs,
    env: { ...codexEnv(home, apiKey, builtin), ...(logLevel ? { RUST_LOG: logLevel } : {}) },
  });
  return run.then((exited) => {
    const events = exited.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as CodexEvent);
    const items = events.flatMap((e) => (e.type === 'item.completed' && e.item ? [e.item] : []));
    const finalMessage = items.filter((i) => i.type === 'agent_message').at(-1)?.text;
    return { ...exited, events, items, finalMessage, home };
  });
}

/**
 * The WebSocket handshakes Codex saw refused: it logs each on stderr, whatever the status (a refused handshake leaves
 * no row in the app's history). Its built-in `openai` provider opens one for its startup prewarm and, unless that one
 * was a 426, one more for the turn (README "Codex CLI"); a provider declared in config.toml opens none.
 */
export const refusedHandshakes = (run: CodexRun) =>
  run.stderr.split('\n').filter((line) => line.includes('failed to connect to Responses WebSocket')).length;

function codexEnv(home: string, apiKey: string, builtin = false): NodeJS.ProcessEnv {
  const key = builtin ? 'CODEX_API_KEY' : CODEX_KEY_VARIABLE;
  return { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, NO_COLOR: '1', [key]: apiKey };
}

/**
 * The model catalog Codex works from, set up as README says (the provider's `model_catalog_url`): `codex debug
 * models` fetches it as Codex does before a session and prints it, the names its model picker shows included.
 */
export async function codexModels(baseUrl: string, apiKey: string): Promise<Array<Record<string, unknown>>> {
  const home = codexHome(baseUrl, { catalog: 'provider' });
  const run = await runToExit(CODEX, ['debug', 'models'], { cwd: home, env: codexEnv(home, apiKey) });
  if (run.code !== 0) throw new Error(`codex debug models exited ${run.code}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { models: Array<Record<string, unknown>> }).models;
}
