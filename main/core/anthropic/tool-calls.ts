/**
 * Upstream tool calls → Anthropic tool_use blocks, each call exactly once however many of `tool-input-*` and
 * `tool-call` announce it.
 *
 * Two ways out. A call whose tool maps by name onto a declared client tool and whose input can need no reshaping
 * is forwarded live: the block opens at `tool-input-start` and every `tool-input-delta` goes out as it arrives, so
 * Claude Code shows the input growing. Every other call is buffered and sent whole once its input is known, so it
 * can be renamed, repaired, or turned into text when the client declared nothing that fits. Which of those a call
 * gets is the turn's policy (call-route.ts); here is only how each goes out.
 */
import { EMPTY_TEXT_BLOCK } from './sse-writer';
import type { ToolDefinition } from './types';
import type { DeferredToolSource } from './deferred-tools';
import { CallRouter, type DeclinedToolCall, type ToolCallPolicy, type UnmappedToolCall } from './call-route';
import { callText, shownCall, type ShownCall } from './unmapped-call-text';
import { repairToolInput } from '../orchids/tool-mapping';
import { toolUseIdFor } from '../util/ids';

/** What the tool calls need from the translator: blocks one at a time, numbered in order. */
export interface BlockWriter {
  /** Closes an open text or thinking block, starts this one and returns its index. */
  open(contentBlock: Readonly<Record<string, unknown>>): number;
  delta(index: number, delta: Record<string, unknown>): void;
  stop(index: number): void;
  countOutput(text: string): void;
  /**
   * For a note the proxy writes (not the agent): what must go before it, a paragraph break when the message's text
   * so far would run into it; the agent's next text starts with one too.
   */
  noteSeparator(): string;
}

interface BufferedCall {
  name: string;
  parts: string[];
  /** `tool-input-end` came with nothing buffered: the same-id `tool-call` is expected to carry the input. */
  ended?: boolean;
}

interface LiveCall {
  upstreamId: string;
  upstreamName: string;
  clientName: string;
  index: number;
  parts: string[];
  ended: boolean;
}

export class ToolCalls {
  private readonly buffered = new Map<string, BufferedCall>();
  /** Upstream ids already sent (as tool_use, live or whole, or as text): later announcements are duplicates. */
  private readonly sent = new Set<string>();
  /**
   * Calls announced by `tool-input-start` that no `tool-call` has repeated yet, upstream id → upstream name, in
   * order: what a `tool-call` without any id repeats (spec §10 items 3-4: the id key the server uses is unknown).
   */
  private readonly awaitingCall = new Map<string, string>();
  private live: LiveCall | undefined;
  readonly unmapped: UnmappedToolCall[] = [];
  readonly declined: DeclinedToolCall[] = [];
  toolUses = 0;
  /** Which calls go, and as what (call-route.ts). */
  private readonly router: CallRouter;

  constructor(
    tools: ToolDefinition[] | undefined,
    private readonly out: BlockWriter,
    private readonly policy: ToolCallPolicy = {},
    /** Where a client with a tool search names the tools it holds back (anthropic/deferred-tools.ts). */
    deferredSource?: DeferredToolSource,
  ) {
    this.router = new CallRouter(tools, policy, deferredSource);
  }

  /** Whether another tool_use may still reach the client. */
  private get mayForward(): boolean {
    return !this.policy.withhold && (this.policy.maxToolUses === undefined || this.toolUses < this.policy.maxToolUses);
  }

  /** The upstream id of the call being forwarded live; nothing else may open a block until it closes. */
  get liveId(): string | undefined {
    return this.live?.upstreamId;
  }

  start(id: string, name: string): void {
    if (this.sent.has(id) || this.buffered.has(id)) return;
    this.awaitingCall.set(id, name);
    const liveTool = this.router.liveTool(name, !this.live && this.mayForward);
    if (liveTool !== undefined) this.openLive(id, name, liveTool);
    else this.buffered.set(id, { name, parts: [] });
  }

  delta(id: string, delta: string): void {
    const live = this.live;
    if (live?.upstreamId === id) {
      live.parts.push(delta);
      this.out.delta(live.index, { type: 'input_json_delta', partial_json: delta });
      this.out.countOutput(delta);
      return;
    }
    this.buffered.get(id)?.parts.push(delta);
  }

  end(id: string): void {
    const live = this.live;
    if (live?.upstreamId === id) {
      live.ended = true;
      // An input stream that ended empty leaves the block open for the same-id tool-call to fill.
      if (live.parts.join('').trim()) this.closeLive();
      return;
    }
    const pending = this.buffered.get(id);
    if (!pending) return;
    const input = pending.parts.join('');
    if (input.trim()) this.emitWhole(id, pending.name, input);
    else pending.ended = true;
  }

  /**
   * The id a `tool-call` that came without one stands for: the oldest streamed call of the same name that no
   * `tool-call` has repeated yet, or '' when there is none (a call of its own). Read when the call arrives, so a
   * call held behind a live one still pairs with what was streamed before it.
   */
  streamedIdFor(name: string): string {
    for (const [id, streamedName] of this.awaitingCall) {
      if (streamedName !== name) continue;
      this.awaitingCall.delete(id);
      return id;
    }
    return '';
  }

  /** A complete call. False when it contradicts input already forwarded live: the turn cannot end well. */
  call(id: string, name: string, input: string | Record<string, unknown>): boolean {
    if (id) this.awaitingCall.delete(id);
    if (this.live && this.live.upstreamId === id) return this.completeLive(input);
    if (id && this.sent.has(id)) return true;
    const pending = id ? this.buffered.get(id) : undefined;
    const streamed = pending?.parts.join('') ?? '';
    // The call is the complete input; a buffer whose tool-input-end has not arrived may be cut short, and
    // preferring it turned a whole call into `{_raw: <half the JSON>}`. The buffer only fills in for a call
    // that came without input.
    const callHasInput = typeof input === 'string' ? input.trim() !== '' : true;
    this.emitWhole(id, name, callHasInput || !streamed.trim() ? input : streamed);
    return true;
  }

  /** At the end of the turn, after `endLive`: buffered calls go out if their input is whole. */
  finish(): void {
    for (const [id, pending] of this.buffered) {
      const text = pending.parts.join('');
      // A call cut off mid-input would be executed with half its arguments: only complete JSON goes out. A call
      // whose input stream ended empty (and no tool-call followed) is a call without arguments.
      if (isCompleteJson(text)) this.emitWhole(id, pending.name, text);
      else if (pending.ended && !text.trim()) this.emitWhole(id, pending.name, '{}');
    }
    this.buffered.clear();
  }

  /**
   * Closes the live block as it stands (at the end of the turn, or before an error event). An input stream that
   * ended empty, with no tool-call after it, was a call without arguments.
   */
  endLive(): void {
    const live = this.live;
    if (!live) return;
    if (live.ended && !live.parts.join('').trim())
      this.out.delta(live.index, { type: 'input_json_delta', partial_json: '{}' });
    this.closeLive();
  }

  /** A live call whose input is not whole yet: the client holds part of it, so the turn cannot end cleanly now. */
  liveInputIncomplete(): boolean {
    const live = this.live;
    if (!live) return false;
    const text = live.parts.join('');
    return !(isJsonObjectText(text) || (live.ended && text.trim() === ''));
  }

  private openLive(upstreamId: string, upstreamName: string, clientName: string): void {
    const index = this.out.open({ type: 'tool_use', id: toolUseIdFor(upstreamId), name: clientName, input: {} });
    this.sent.add(upstreamId);
    this.router.sentLive(upstreamName);
    this.live = { upstreamId, upstreamName, clientName, index, parts: [], ended: false };
    this.toolUses += 1;
    this.out.countOutput(clientName);
  }

  private completeLive(input: string | Record<string, unknown>): boolean {
    const live = this.live!;
    const streamed = live.parts.join('');
    if (!streamed.trim()) {
      // Nothing went out yet, so the whole input can still be checked against the client's schema.
      const json = JSON.stringify(this.router.repaired(input, live.upstreamName, live.clientName));
      this.out.delta(live.index, { type: 'input_json_delta', partial_json: json });
      this.out.countOutput(json);
    } else if (!isJsonObjectText(streamed)) {
      const whole = typeof input === 'string' ? input : JSON.stringify(input);
      // The stream was cut short and the call repeats it: only the rest is missing. Anything else would mean the
      // client assembles a mix of two inputs.
      if (!whole.startsWith(streamed) || !isJsonObjectText(whole)) return false;
      const rest = whole.slice(streamed.length);
      this.out.delta(live.index, { type: 'input_json_delta', partial_json: rest });
      this.out.countOutput(rest);
    }
    this.closeLive();
    return true;
  }

  private closeLive(): void {
    this.out.stop(this.live!.index);
    this.live = undefined;
  }

  private emitWhole(upstreamId: string, upstreamName: string, rawInput: string | Record<string, unknown>): void {
    if (upstreamId) {
      this.sent.add(upstreamId);
      this.buffered.delete(upstreamId);
    }
    // Parsed once without a schema (the name lookup may need the keys), then reshaped for the chosen tool.
    const parsed = typeof rawInput === 'string' ? repairToolInput(rawInput, undefined) : rawInput;
    if (!this.mayForward) {
      // Held back whole: the debug record keeps it, the client's answer has no trace of it.
      this.unmapped.push({ name: upstreamName, input: parsed });
      return;
    }
    const route = this.router.route(upstreamId, upstreamName, parsed, this.toolUses);
    if (route.declined) this.emitUnmapped(upstreamId, upstreamName, parsed, route.shown);
    else for (const call of route.calls) this.emitToolUse(call.id, call.name, call.json);
  }

  /** One whole tool_use block: its input in one delta. */
  private emitToolUse(id: string, name: string, json: string): void {
    const index = this.out.open({ type: 'tool_use', id, name, input: {} });
    this.toolUses += 1;
    this.out.countOutput(name);
    this.out.countOutput(json);
    this.out.delta(index, { type: 'input_json_delta', partial_json: json });
    this.out.stop(index);
  }

  /**
   * DECISION: a call to a tool the client never declared becomes a line of text. Clients abort the whole turn on
   * a tool_use they cannot resolve; as text, the user and the model both still see what the agent wanted.
   */
  private emitUnmapped(
    id: string,
    name: string,
    input: Record<string, unknown>,
    shown: ShownCall | undefined = shownCall(name, input),
  ): void {
    this.unmapped.push({ name, input });
    if (this.policy.dropUnmapped) return;
    const index = this.out.open(EMPTY_TEXT_BLOCK);
    const text = this.out.noteSeparator() + (shown?.text ?? callText(name, input));
    const declined: DeclinedToolCall = { id, name, input, index, shownAnswer: shown?.answer };
    if (shown?.isError) declined.answerIsError = true;
    this.declined.push(declined);
    this.out.countOutput(text);
    this.out.delta(index, { type: 'text_delta', text });
    this.out.stop(index);
  }
}

function isCompleteJson(text: string): boolean {
  if (!text.trim()) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isJsonObjectText(text: string): boolean {
  if (!text.trim()) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
