/**
 * Generation B's Task on Codex CLI's asynchronous sub-agents. The agent's `Task {description, prompt,
 * subagent_type}` runs a sub-agent and expects its report as the call's result. Codex declares no such tool: its
 * `spawn_agent` (namespace `multi_agent_v1`, offered as `multi_agent_v1__spawn_agent`) answers at once with an agent
 * id, and `wait_agent` waits for the sub-agent's final message. So a Task goes to Codex as a spawn, the proxy answers
 * the spawn's output itself with a wait on that agent (../../proxy/own-answer.ts), then the wait's with a close
 * of the ended agent, and the upstream sees ONE Task call with the report as its result: the spawn, wait and close
 * plumbing, and Codex's note that the agent ended beside it, are folded out.
 *
 * DECISION: the proxy waits, not the agent. Asking the agent to wait would need a tool it does not have and an
 * upstream turn (credits, seconds) to say nothing but "wait"; and a Task whose result were the spawn's id would
 * leave the agent without the report it was written to expect.
 *
 * The proxy keeps nothing between requests, so everything is read back from the conversation Codex resends, as
 * ./read-range.ts does: the spawn carries the agent's Task (all but its prompt, which is the spawn's `message`) under
 * TASK_KEY, a key Codex's open schema lets through and keeps in the call it replays (checked with Codex 0.171); each
 * wait and close the proxy composes has an id made from the spawn's (`<spawn id>_wait<n>`, `<spawn id>_close`),
 * which Codex also keeps. A spawn
 * without the key (one Generation A's model, or the agent by name, made) is Codex's own and left alone.
 *
 * DECISION: a wait that times out while the sub-agent still runs is asked again, up to MAX_WAITS times of WAIT_MS
 * each (20 minutes in all); then the proxy closes the sub-agent and the agent gets, as Task's error, that it was
 * stopped, rather than the proxy holding Codex in a loop with no end. Closed, not left running: nothing would ever
 * read its report (the agent's Task is over), and it would go on working, and counting toward Codex's limit of open
 * agents, for nobody. A failed spawn, or a sub-agent that ends in an error, is Task's error result with Codex's
 * words.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord, namingFor, type JsonObject } from '../client-tools';
import { parseJson } from '../tool-input-coercion';

/** Codex's sub-agent tools under the names its namespace is offered by (../../openai/namespaces.ts). */
const CODEX_SPAWN = 'multi_agent_v1__spawn_agent';
const CODEX_WAIT = 'multi_agent_v1__wait_agent';
const CODEX_CLOSE = 'multi_agent_v1__close_agent';
/** The key of a spawn's input that holds the agent's Task (less its prompt): what marks a spawn as a Task's. */
const TASK_KEY = 'agent_task';
/** Codex's wait lasts 10 s to an hour (`timeout_ms`); 5 minutes a wait keeps Codex's own loop responsive. */
export const WAIT_MS = 300_000;
export const MAX_WAITS = 4;
const WAIT_SUFFIX = '_wait';
const CLOSE_SUFFIX = '_close';

type Block = Record<string, unknown>;

/** Whether the client has Codex's spawn tool, on which the agent's Task lands (tool-vocabulary's GROUP_FALLBACKS). */
export function composesSpawn(upstreamName: string, clientName: string, canonical: string | undefined): boolean {
  return clientName === CODEX_SPAWN && canonical === 'Task' && upstreamName !== CODEX_SPAWN;
}

/** The spawn for a Task: its prompt as the sub-agent's `message`, the rest kept under TASK_KEY for the fold. */
export function spawnInput(task: JsonObject): JsonObject {
  const { prompt, ...rest } = task;
  const message = typeof prompt === 'string' && prompt !== '' ? prompt : (rest['description'] ?? '');
  return { message, [TASK_KEY]: rest };
}

/** The id of the proxy's `n`th wait on a spawn (from 1). */
const waitId = (spawnId: string, n: number): string => `${spawnId}${WAIT_SUFFIX}${n}`;

/** A call the proxy answers a request with, in the client's names. */
export interface DueCall {
  id: string;
  name: string;
  input: JsonObject;
}

/** Why the proxy answered a request itself: what the debug record says (README "Requests and history"). */
export type OwnAnswerReason =
  | 'sub-agent wait'
  | 'sub-agent close'
  | 'sub-agent wait and close'
  | 'sub-agent notification'
  | 'web search unavailable';

/**
 * The answer the proxy writes itself: Codex's calls, or, for a turn that is nothing but Codex's notes that Task
 * sub-agents ended, no calls (an empty assistant message that ends the turn).
 */
export interface OwnAnswer {
  reason: OwnAnswerReason;
  calls: DueCall[];
  /** A text written before the calls (proxy/web-search-answer.ts: why no web search was run). */
  text?: string;
}

/**
 * What a Task's spawn has come to, read from the conversation. `ended`: the agent to close, with the output after
 * which the close is due: one that reached a final status, which Codex keeps open (and counts toward its limit of
 * open agents) until it is closed, or one still running after the last wait.
 */
type SubAgentState =
  | { kind: 'running' }
  | { kind: 'wait'; n: number; agentId: string; after: Block }
  | { kind: 'done'; content: ToolResultContent; isError: boolean; ended?: { agentId: string; after: Block } };

interface Plumbing {
  call: Block;
  result?: Block;
}

interface SubAgentCall {
  spawn: Block;
  task: JsonObject;
  spawnResult?: Block;
  waits: Array<Plumbing & { n: number }>;
  close?: Plumbing;
}

/** The Task spawns of a conversation, by spawn id, with their waits and results; undefined when there are none. */
function subAgentCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, SubAgentCall> | undefined {
  // Every client but Codex declares no such tool: its conversations are not read at all.
  if (!namingFor(tools).byLowerName.has(CODEX_SPAWN)) return undefined;
  let calls: Map<string, SubAgentCall> | undefined;
  const results = new Map<string, Block>();
  const plumbing: Block[] = [];
  for (const message of messages) {
    if (!Array.isArray(message?.content)) continue;
    for (const block of message.content as Array<Block | null>) {
      if (block === null || typeof block !== 'object') continue;
      if (block['type'] === 'tool_result' && typeof block['tool_use_id'] === 'string') {
        results.set(block['tool_use_id'], block);
        continue;
      }
      if (block['type'] !== 'tool_use' || typeof block['id'] !== 'string') continue;
      const input = asRecord(block['input']);
      const task = block['name'] === CODEX_SPAWN ? asRecord(input?.[TASK_KEY]) : undefined;
      if (task) {
        const prompt = input?.['message'];
        (calls ??= new Map()).set(block['id'], {
          spawn: block,
          task: typeof prompt === 'string' ? { ...task, prompt } : task,
          waits: [],
        });
      } else if (block['name'] === CODEX_WAIT || block['name'] === CODEX_CLOSE) plumbing.push(block);
    }
  }
  if (!calls) return undefined;
  for (const block of plumbing) {
    const id = block['id'] as string;
    if (block['name'] === CODEX_CLOSE) {
      const call = id.endsWith(CLOSE_SUFFIX) ? calls.get(id.slice(0, -CLOSE_SUFFIX.length)) : undefined;
      if (call) call.close = { call: block };
      continue;
    }
    const cut = id.lastIndexOf(WAIT_SUFFIX);
    const call = cut < 0 ? undefined : calls.get(id.slice(0, cut));
    const n = Number(id.slice(cut + WAIT_SUFFIX.length));
    if (call && Number.isInteger(n) && n > 0) call.waits.push({ n, call: block });
  }
  for (const call of calls.values()) {
    call.spawnResult = results.get(call.spawn['id'] as string);
    call.waits.sort((a, b) => a.n - b.n);
    for (const wait of call.waits) wait.result = results.get(wait.call['id'] as string);
    if (call.close) call.close.result = results.get(call.close.call['id'] as string);
  }
  return calls;
}

/** Where one Task's sub-agent stands: still to be waited on, being waited on, or over with a report or an error. */
function subAgentState(call: SubAgentCall): SubAgentState {
  const spawned = call.spawnResult;
  if (!spawned) return { kind: 'running' };
  const spawnText = resultText(spawned);
  const agentId = asRecord(parseJson(spawnText))?.['agent_id'];
  if (spawned['is_error'] === true || typeof agentId !== 'string' || agentId === '') {
    return { kind: 'done', content: `The sub-agent could not be started: ${spawnText}`, isError: true };
  }
  const last = call.waits.at(-1);
  if (!last) return { kind: 'wait', n: 1, agentId, after: spawned };
  if (!last.result) return { kind: 'running' };
  const waitText = resultText(last.result);
  if (last.result['is_error'] === true) {
    return { kind: 'done', content: `Waiting for the sub-agent failed: ${waitText}`, isError: true };
  }
  const status = asRecord(asRecord(asRecord(parseJson(waitText))?.['status'])?.[agentId]);
  if (status) return { ...finalStatus(status, waitText), ended: { agentId, after: last.result } };
  if (last.n < MAX_WAITS) return { kind: 'wait', n: last.n + 1, agentId, after: last.result };
  const minutes = Math.round((last.n * WAIT_MS) / 60_000);
  const ended = { agentId, after: last.result };
  const closed = call.close?.result;
  // Without a close that Codex took (a client that declares none, or a close it refused), the agent runs on.
  if (!closed || closed['is_error'] === true) {
    const content =
      `The sub-agent (Codex agent ${agentId}) was still running after ${minutes} minutes, so its report has not ` +
      'arrived. It goes on in Codex, which will show it when it ends; do not start the same task again.';
    return { kind: 'done', content, isError: true, ended };
  }
  const content =
    `The sub-agent (Codex agent ${agentId}) was stopped after ${minutes} minutes, still running, so there is no ` +
    'report. What it had done by then (files it changed) is left as it was.';
  return { kind: 'done', content, isError: true, ended };
}

/** Codex's final status of an agent: `{completed: message}`, `{errored: message}`, or a word (`shutdown`, …). */
function finalStatus(status: JsonObject, raw: string): { kind: 'done'; content: string; isError: boolean } {
  if (Object.hasOwn(status, 'completed')) {
    const report = status['completed'];
    const text = typeof report === 'string' && report !== '' ? report : 'The sub-agent ended without a final message.';
    return { kind: 'done', content: text, isError: false };
  }
  const error = status['errored'];
  const text = typeof error === 'string' ? `The sub-agent failed: ${error}` : `The sub-agent ended: ${raw}`;
  return { kind: 'done', content: text, isError: true };
}

/**
 * The calls the proxy should answer this request with: a wait for each Task sub-agent whose spawn or last wait the
 * newest message answers, still running; a close for each whose last wait brought its final status or was the last
 * one (the agent still running is stopped: see the DECISION above), since Codex
 * keeps an ended agent open, counted toward its limit of open agents (`agents.max_threads`), until it is closed,
 * and a Task's sub-agent is never spoken to again (its conversation is folded away). Only a result in the last
 * message counts, so an old conversation whose wait was dropped (an interrupted turn) goes to the upstream as it is
 * instead of being answered again and again.
 *
 * DECISION: a newest message that is nothing but Codex's notes that Task sub-agents ended (the turn Codex starts for
 * a note that came after the Task's answer) is answered with nothing, ending the turn. The agent's Task had the
 * report already, and the note, sent upstream as the user's words, would cost a turn (and credits) for an answer to
 * a message the agent cannot read. A note of a spawn that was not a Task's, or beside anything else, is not.
 */
export function answerDue(messages: readonly Message[], tools: ToolDefinition[] | undefined): OwnAnswer | undefined {
  const last = messages.at(-1);
  if (last?.role !== 'user' || !Array.isArray(last.content)) return undefined;
  const declared = namingFor(tools).byLowerName;
  if (!declared.has(CODEX_WAIT)) return undefined;
  const calls = subAgentCalls(messages, tools);
  if (!calls) return undefined;
  const newest = new Set<unknown>(last.content);
  const due: DueCall[] = [];
  let waits = 0;
  let ended: Set<string> | undefined;
  for (const [spawnId, call] of calls) {
    const state = subAgentState(call);
    if (state.kind === 'wait' && newest.has(state.after)) {
      const input = { targets: [state.agentId], timeout_ms: WAIT_MS };
      due.push({ id: waitId(spawnId, state.n), name: CODEX_WAIT, input });
      waits++;
    } else if (state.kind === 'done' && state.ended) {
      (ended ??= new Set()).add(state.ended.agentId);
      if (call.close || !declared.has(CODEX_CLOSE) || !newest.has(state.ended.after)) continue;
      const input = { target: state.ended.agentId };
      due.push({ id: `${spawnId}${CLOSE_SUFFIX}`, name: CODEX_CLOSE, input });
    }
  }
  if (due.length > 0) {
    const reason =
      waits === due.length ? 'sub-agent wait' : waits === 0 ? 'sub-agent close' : 'sub-agent wait and close';
    return { reason, calls: due };
  }
  const notes = ended;
  const blocks = last.content as Array<Block | null>;
  if (notes && blocks.length > 0 && blocks.every((block) => block !== null && notesEnd(block, notes))) {
    return { reason: 'sub-agent notification', calls: [] };
  }
  return undefined;
}

/**
 * The conversation as the upstream's agent should see it: each Task whose sub-agent is over is its own Task call
 * again, answered with the report (or the error), and the waits that got it are gone. Messages left empty go, and
 * two of one role that then meet become one. The same array when there is nothing to fold.
 */
export function foldSubAgentTasks(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): readonly Message[] {
  const calls = subAgentCalls(messages, tools);
  if (!calls) return messages;
  const replaced = new Map<Block, Block>();
  const dropped = new Set<Block>();
  const ended = new Set<string>();
  for (const [spawnId, call] of calls) {
    const state = subAgentState(call);
    if (state.kind !== 'done') continue;
    if (state.ended) ended.add(state.ended.agentId);
    replaced.set(call.spawn, { type: 'tool_use', id: spawnId, name: 'Task', input: call.task });
    const result: Block = { type: 'tool_result', tool_use_id: spawnId, content: state.content };
    if (state.isError) result['is_error'] = true;
    replaced.set(call.spawnResult as Block, result);
    for (const step of call.close ? [...call.waits, call.close] : call.waits) {
      dropped.add(step.call);
      if (step.result) dropped.add(step.result);
    }
  }
  if (replaced.size === 0) return messages;
  const out: Message[] = [];
  let removedBefore = false;
  for (const [index, message] of messages.entries()) {
    if (!Array.isArray(message?.content)) {
      out.push(message);
      removedBefore = false;
      continue;
    }
    const blocks = message.content as Block[];
    // Codex's note that a folded sub-agent ended says what Task's result says already; a turn of nothing but notes
    // the proxy answered itself (answerDue), so the upstream never saw it. Only the last message, when it is all
    // notes (a request the proxy did not answer: a forced tool), stays, as the user's text it then is.
    let kept = blocks
      .filter((block) => !dropped.has(block) && !(ended.size > 0 && block !== null && notesEnd(block, ended)))
      .map((block) => replaced.get(block) ?? block);
    if (kept.length === 0 && blocks.length > 0) {
      if (index < messages.length - 1 || blocks.some((block) => dropped.has(block))) {
        removedBefore = true;
        continue;
      }
      kept = blocks;
    }
    const previous = out.at(-1);
    if (removedBefore && previous && previous.role === message.role && Array.isArray(previous.content)) {
      out[out.length - 1] = { ...previous, content: [...previous.content, ...kept] } as Message;
    } else out.push({ ...message, content: kept } as Message);
    removedBefore = false;
  }
  return out;
}

/** Codex's `<subagent_notification>{"agent_path": id, "status": …}</subagent_notification>` for one of `ids`. */
function notesEnd(block: Block, ids: ReadonlySet<string>): boolean {
  const text = block['type'] === 'text' ? block['text'] : undefined;
  if (typeof text !== 'string') return false;
  const found = /^\s*<subagent_notification>([\s\S]*)<\/subagent_notification>\s*$/.exec(text);
  const path = found ? asRecord(parseJson(found[1] as string))?.['agent_path'] : undefined;
  return typeof path === 'string' && ids.has(path);
}

function resultText(block: Block): string {
  const content = block['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    const block = asRecord(part);
    if (block?.['type'] === 'text' && typeof block['text'] === 'string') text += block['text'];
  }
  return text;
}
