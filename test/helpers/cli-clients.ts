/**
 * What the tests that drive a real coding CLI through the app (Codex, opencode, Cline, Continue; Claude Code's the
 * MultiEdit fixture) share: an app on the simulator for one protocol mode with an API key set, the upstream turns one
 * conversation made, what the app's history recorded, the tool call a Generation B turn replays, and a file for the
 * agent's MultiEdit.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { startStack, type Stack } from './stack';
import { tempDir } from './temp-dir';
import { answered, upstreamText, type ProtocolMode } from './upstream';

export async function startCliStack(mode: ProtocolMode, apiKey: string): Promise<Stack> {
  const stack = await startStack({ protocol: mode.setting, serves: mode.serves });
  stack.core.settings.set('apiKey', apiKey);
  return stack;
}

/** The upstream turns of one conversation (those whose text matches), never the simulator's other traffic. */
export function turnsAbout(stack: Stack, pattern: RegExp): AgentRequestInfo[] {
  return answered(stack.sim.requests).filter((r) => pattern.test(upstreamText(r)));
}

export interface ServedRow {
  api: string;
  stream: boolean;
  status: number;
  protocol: string | null;
}

/** What the app's history recorded: which API each request came in on, streamed or not, its status, its protocol. */
export async function served(stack: Stack): Promise<ServedRow[]> {
  await stack.core.internals.history.flushNow();
  return stack.core.internals.historyRepo
    .query({})
    .map(({ api, stream, status, protocol }) => ({ api, stream, status, protocol }));
}

/** The blocks of one type a Generation B turn sends upstream, in the conversation's order. */
function sentBlocks(request: AgentRequestInfo, type: string): Array<Record<string, unknown>> {
  return (request.body.messages as Array<{ content: unknown }>)
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []))
    .filter((b) => b.type === type);
}

/** The `tool_use` blocks a Generation B turn sends back upstream (the calls the client ran, as it replays them). */
export function replayedToolUses(request: AgentRequestInfo): Array<Record<string, unknown>> {
  return sentBlocks(request, 'tool_use');
}

/** The first of them. */
export function replayedToolUse(request: AgentRequestInfo): Record<string, unknown> | undefined {
  return replayedToolUses(request)[0];
}

/** The `tool_result` blocks a Generation B turn sends upstream: what the client's tools gave, as the agent reads it. */
export function sentToolResults(request: AgentRequestInfo): Array<Record<string, unknown>> {
  return sentBlocks(request, 'tool_result');
}

/** A result as a Generation A turn renders it in its text: the call's id, then the flag if any, then the words. */
const GEN_A_RESULT = /<tool_result tool_use_id="([^"]+)"( is_error="true")?>([\s\S]*?)<\/tool_result>/g;

/**
 * A Generation A turn's text in the conversation's order: its history, then its prompt (`upstreamText` puts the
 * prompt first, which is all a search for words needs).
 */
export function genAConversation(request: AgentRequestInfo): string {
  const history = (request.body.chatHistory ?? []) as Array<{ content: string }>;
  return [...history.map((entry) => entry.content), String(request.body.prompt)].join('\n');
}

/** The ids of the results a turn sent upstream flagged an error (Generation A renders the flag in its prompt). */
export function sentErrorIds(request: AgentRequestInfo): string[] {
  if (request.protocol === 'sse-a') {
    return [...upstreamText(request).matchAll(/<tool_result tool_use_id="([^"]+)" is_error="true">/g)].map(
      (m) => m[1]!,
    );
  }
  return sentToolResults(request).flatMap((r) => (r.is_error === true ? [String(r.tool_use_id)] : []));
}

/** The words of the result for the call `id` that a Generation A turn renders in its text, flagged or not. */
export function shownResult(request: AgentRequestInfo, id: string): string | undefined {
  const tag = new RegExp(`<tool_result tool_use_id="${id}"(?: is_error="true")?>([\\s\\S]*?)</tool_result>`);
  return upstreamText(request).match(tag)?.[1];
}

/**
 * The results a turn sent upstream in the conversation's order, each as its call's id, its words and whether it was
 * flagged an error, whichever generation carried it.
 */
export function sentResults(request: AgentRequestInfo): Array<[string, string, boolean]> {
  if (request.protocol === 'sse-a') {
    return [...genAConversation(request).matchAll(GEN_A_RESULT)].map((m) => [m[1]!, m[3]!, m[2] !== undefined]);
  }
  return sentToolResults(request).map((r) => [String(r.tool_use_id), String(r.content), r.is_error === true]);
}

/** The calls a turn replays upstream in the conversation's order, each as its id and name, whichever generation. */
export function replayedCalls(request: AgentRequestInfo): Array<[string, string]> {
  if (request.protocol === 'sse-a') {
    return [...genAConversation(request).matchAll(/<tool_use id="([^"]+)" name="([^"]+)">/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]);
  }
  return replayedToolUses(request).map((u) => [String(u.id), String(u.name)]);
}

/**
 * A file of two settings in a fresh folder and the agent's MultiEdit renaming both: what each real client's
 * MultiEdit test hands it, and the text the file holds once both edits ran in order.
 */
export function twoSettingsToRename(workPrefix: string, fileName: string) {
  const work = tempDir(workPrefix);
  const file = path.join(work, fileName);
  fs.writeFileSync(file, 'alpha = 1\nbeta = 2\n');
  const multiEdit = {
    file_path: file,
    edits: [
      { old_string: 'alpha = 1', new_string: 'gamma = 1' },
      { old_string: 'beta = 2', new_string: 'delta = 2' },
    ],
  };
  return { work, file, multiEdit, renamed: 'gamma = 1\ndelta = 2\n' };
}
