import fs from 'node:fs';
import path from 'node:path';
import { finish, reply, sse, toolCall, type AgentResponder } from '../sim/orchids-simulator';
import type { AgentResponse } from '../sim/steps';
import { runToExit, type Exited } from './processes';
import { tempDir } from './temp-dir';
import { upstreamText } from './upstream';

/** The real Claude Code CLI, pinned in devDependencies. */
export const CLAUDE = path.resolve(__dirname, '../../node_modules/.bin/claude');

export type ClaudeRun = Exited;

/** A user message as `--input-format stream-json` takes it on stdin, one JSON object a line. */
export function streamJsonUserLine(content: unknown[]): string {
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content } })}\n`;
}

/** The events a `stream` run printed, one JSON object a line, in order (the last is the `result`). */
export function streamJsonEvents<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

/**
 * Runs `claude -p <prompt>` as a user would, pointed at the proxy through `env` (ANTHROPIC_BASE_URL, a key), with a
 * fresh home folder and every call it would make anywhere else switched off (this machine, like CI, has no
 * internet). Killed after `timeoutMs`.
 */
export function runClaude(
  cwd: string,
  prompt: string,
  env: Record<string, string>,
  options: {
    json?: boolean;
    /** `--model`: an alias (`haiku`, `sonnet`, `opus`) or a model id; `claude-sonnet-4-6` unless given. */
    model?: string;
    /**
     * Every event as a JSON line (`--output-format stream-json --verbose`), the text and thinking deltas among them
     * (`--include-partial-messages`). With `stdin`, the prompt comes as stream-json lines there instead.
     */
    stream?: boolean;
    /** Lines written to stdin as `--input-format stream-json` takes them (see streamJsonUserLine); needs `stream`. */
    stdin?: string;
    timeoutMs?: number;
    allowedTools?: string[];
    permissionMode?: string;
    /** An `mcpServers` config, the only MCP servers Claude Code then starts (`--strict-mcp-config`). */
    mcpServers?: Record<string, unknown>;
    /** Settings as a user writes them in settings.json, given with `--settings` (merged over the fresh home's). */
    settings?: Record<string, unknown>;
    /** Goes on with the newest session of `cwd` kept in `env`'s HOME (`--continue`), the prompt as its next turn. */
    continueSession?: boolean;
  } = {},
): Promise<ClaudeRun> {
  const output = options.stream
    ? ['--output-format', 'stream-json', '--verbose', '--include-partial-messages']
    : options.json === false
      ? []
      : ['--output-format', 'json'];
  const args = [
    ...(options.stdin === undefined ? ['-p', prompt] : ['-p', '--input-format', 'stream-json']),
    '--model',
    options.model ?? 'claude-sonnet-4-6',
    ...output,
    // What a user grants with `--allowedTools`: in `-p` mode nothing can ask for approval, so a tool not granted
    // (Bash, for one) is refused.
    ...(options.allowedTools ? ['--allowedTools', options.allowedTools.join(',')] : []),
    ...(options.permissionMode ? ['--permission-mode', options.permissionMode] : []),
    // Strict: only these servers start, none from a config Claude Code would read otherwise (the user's, a project's).
    ...(options.mcpServers
      ? ['--mcp-config', JSON.stringify({ mcpServers: options.mcpServers }), '--strict-mcp-config']
      : []),
    ...(options.settings ? ['--settings', JSON.stringify(options.settings)] : []),
    ...(options.continueSession ? ['--continue'] : []),
  ];
  return runToExit(CLAUDE, args, { cwd, timeoutMs: options.timeoutMs, env: isolated(env), stdin: options.stdin });
}

/**
 * `claude doctor`, which checks the connection to the base URL in `env`, run as `runClaude` runs Claude Code but
 * with the non-essential traffic allowed: with it off, doctor skips that check ("Not tested").
 */
export function runClaudeDoctor(cwd: string, env: Record<string, string>): Promise<ClaudeRun> {
  const { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: _checksConnection, ...doctorEnv } = isolated(env);
  return runToExit(CLAUDE, ['doctor'], { cwd, timeoutMs: 60_000, env: doctorEnv });
}

/**
 * A temp folder of the test's own for Claude Code's: it keeps its background tasks' output, its file-watch probes and
 * the like under `claude-<uid>` in `CLAUDE_CODE_TMPDIR` (else the system's), and leaves them there when it exits.
 */
export function claudeTmpDir(): { CLAUDE_CODE_TMPDIR: string } {
  return { CLAUDE_CODE_TMPDIR: tempDir('orchids-cc-tmp-') };
}

/** A fresh home folder, and every call Claude Code would make anywhere but `env`'s base URL switched off. */
function isolated(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: tempDir('orchids-cc-home-'),
    ...claudeTmpDir(),
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...env,
  };
}

/** What Claude Code is asked in `overflowOnceRead`'s conversation, and its answer once it has compacted. */
export const OVERFLOW_PROMPT = 'What colour does notes.txt in this folder name?';
export const OVERFLOW_ANSWER = 'After compacting: the colour is ORANGE-17.';

/**
 * The upstream's side of a conversation that outgrows the model: the agent reads `notes.txt` (written into `work`),
 * the turn carrying its words is answered with `refusal` (the shape of the upstream's "input is too long" under test),
 * Claude Code's own summary request is answered, and the turn on that summary gets OVERFLOW_ANSWER. Checked newest
 * first: each later request also carries what the earlier ones did.
 */
export function overflowOnceRead(work: string, readId: string, refusal: () => AgentResponse): AgentResponder {
  fs.writeFileSync(path.join(work, 'notes.txt'), 'The colour is ORANGE-17.\n');
  return (req) => {
    const seen = upstreamText(req);
    if (seen.includes('continued from a previous conversation')) return sse(reply(OVERFLOW_ANSWER));
    if (/provide your summary/i.test(seen)) return sse(reply('<summary>notes.txt says ORANGE-17.</summary>'));
    if (seen.includes('ORANGE-17')) return refusal();
    if (!seen.includes('notes.txt')) return undefined;
    const input = { file_path: path.join(work, 'notes.txt') };
    return sse([...toolCall({ id: readId, name: 'Read', input }), ...finish('tool-calls')]);
  };
}
