import fs from 'node:fs';
import path from 'node:path';
import { reply, sse, type AgentRequestInfo, type AgentResponder } from '../sim/orchids-simulator';
import { CLAUDE, claudeTmpDir } from './claude-code';
import { turnsAbout } from './cli-clients';
import type { Stack } from './stack';
import { tempDir } from './temp-dir';
import { startTerminal, type Terminal } from './tmux-terminal';
import { upstreamText } from './upstream';

/** Claude Code's title request: its own system prompt, the user's first message inside `<session>`. */
export const CLAUDE_CODE_TITLE = /naming a coding session/;

/** A work folder holding `notes.txt` with `content`: the file each window test's conversation is about. */
export function notesFolder(content: string): { work: string; notes: string } {
  const work = tempDir('orchids-cc-work-');
  const notes = path.join(work, 'notes.txt');
  fs.writeFileSync(notes, content);
  return { work, notes };
}

/** Answers the window's title request with `title` (as the JSON it asks for), and every other request with `agent`. */
export function titled(title: string, agent: AgentResponder): AgentResponder {
  return (req) => (CLAUDE_CODE_TITLE.test(upstreamText(req)) ? sse(reply(JSON.stringify({ title }))) : agent(req));
}

/**
 * The agent's turns about `about`, in order: the requests the window makes of its own (its title, which quotes the
 * user's words, and any of `others`) left out.
 */
export function agentTurnsAbout(stack: Stack, about: RegExp, others: RegExp[] = []): AgentRequestInfo[] {
  const own = [CLAUDE_CODE_TITLE, ...others];
  return turnsAbout(stack, about).filter((r) => !own.some((pattern) => pattern.test(upstreamText(r))));
}

/**
 * Claude Code's interactive TUI, as a user runs it (`ANTHROPIC_BASE_URL=… ANTHROPIC_API_KEY=… claude`), in a terminal
 * of its own (see `startTerminal`), with a fresh home folder whose `~/.claude.json` holds the answers a user gives
 * once: onboarding done, the key from the environment approved, `cwd` trusted. The TUI sends requests `claude -p`
 * does not (the session's title, with a JSON schema) and asks before an edit or a command.
 *
 * Telemetry, error reports and the updater are off; the rest of Claude Code's "non-essential traffic" is left on,
 * since the title request is part of it (nothing else of it reaches the proxy: it goes to Anthropic's hosts, which
 * this machine, like CI, cannot reach).
 */
export function startClaudeCodeTui(
  cwd: string,
  baseUrl: string,
  apiKey: string,
  options: {
    permissionMode?: string;
    /** A home folder Claude Code ran in before (`claude -p`), whose sessions `--resume` then finds. */
    home?: string;
    /** More of Claude Code's arguments (`--resume <session id>`). */
    args?: string[];
    /** More of its environment (`NODE_EXTRA_CA_CERTS` for a page on loopback its WebFetch reads). */
    env?: Record<string, string>;
  } = {},
): Terminal {
  const home = options.home ?? tempDir('orchids-cc-home-');
  const settings = {
    hasCompletedOnboarding: true,
    theme: 'dark',
    // Claude Code keeps the last 20 characters of a key the user approved.
    customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
    projects: { [fs.realpathSync(cwd)]: { hasTrustDialogAccepted: true, allowedTools: [] } },
  };
  fs.writeFileSync(path.join(home, '.claude.json'), JSON.stringify(settings));
  return startTerminal({
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      ...claudeTmpDir(),
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: apiKey,
      CLAUDE_CODE_ENABLE_TASKS: 'false',
      ...options.env,
    },
    command: [
      CLAUDE,
      ...(options.permissionMode ? ['--permission-mode', options.permissionMode] : []),
      ...(options.args ?? []),
    ],
    isolated: true,
    promptMark: '❯',
  });
}
