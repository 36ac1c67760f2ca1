/**
 * Upstream tool calls → Anthropic tool_use blocks, each call exactly once however many of `tool-input-*` and
 * `tool-call` announce it.
 *
 * Two ways out. A call whose tool maps by name onto a declared client tool and whose input can need no reshaping
 * is forwarded live: the block opens at `tool-input-start` and every `tool-input-delta` goes out as it arrives, so
 * Claude Code shows the input growing. Every other call is buffered and sent whole once its input is known, so it
 * can be renamed, repaired, or turned into text when the client declared nothing that fits.
 */
import { EMPTY_TEXT_BLOCK } from './sse-writer';
import type { ToolDefinition } from './types';
import { withDeferredTools, type DeferredToolSource } from './deferred-tools';
import { multiEditAsEdits } from './multi-edit';
import { callText, declinedEdit, shownCall, type ShownCall } from './unmapped-call-text';
import { addsWithoutFinalNewline, hasNoPatchForm } from '../orchids/patch-compose';
import { KnownFiles } from '../orchids/patch-widen';
import { declaresContinueRead } from '../orchids/gen-b/continue-edit-results';
import { clientTool, inputRepairMayApply, matchClientTool, repairToolInput } from '../orchids/tool-mapping';
import { canonicalToolName, type ToolMatch } from '../orchids/tool-names';
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

/**
 * A call the client was not sent as a tool_use: it declared no tool the call could be, or the request allowed no
 * (further) tool calls (`tool_choice` none, `disable_parallel_tool_use`).
 */
export interface UnmappedToolCall {
  name: string;
  input: Record<string, unknown>;
}

/**
 * A call turned into text because the client declared no tool it could be, with the agent's own id: what the
 * proxy answers for the client when it lets the agent go on (proxy/declined-calls.ts).
 */
export interface DeclinedToolCall extends UnmappedToolCall {
  id: string;
  /** The block of the client's message that names it: where the call stands among what the agent said. */
  index: number;
  /**
   * What the agent is told for a call that block showed as what it was for (a to-do list, a plan) or said why it was
   * not run (an edit with no patch form); else none.
   */
  shownAnswer?: string;
  /** That answer is the call's error. */
  answerIsError?: true;
}

/** Marks of one client's tool set that change how a call goes to it. */
interface ClientMarks {
  /** Continue CLI's (its Read takes `filepath`): it works out a turn's edits on the files as the turn found them. */
  continue: boolean;
  /** Cline's apply_patch, which ends an added file without a newline (orchids/patch-compose.ts). */
  joinsAddedLines: boolean;
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

/** What the request allows to reach the client. */
export interface ToolCallPolicy {
  /** `tool_choice: none`: no call reaches the client, not even as a line of text. */
  withhold?: boolean;
  /** `disable_parallel_tool_use`: calls beyond this many are held back. */
  maxToolUses?: number;
  /**
   * The calls are Generation B's agent's, to its own tools, in their units (a Bash timeout in milliseconds), not to
   * the client's tools as declared, as Generation A's are: only then are values converted to the client's units.
   */
  agentTools?: boolean;
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

  /** The files the turn's calls on Continue's tools that the client was sent write (see `changedFile`). */
  private readonly changedFiles = new Set<string>();
  /**
   * Which client's tool set the request carries, where a call's route depends on it: read from the declared tools at
   * the first call that asks, not at every call (a tool search adds only tools held back, never these marks).
   */
  private marks: ClientMarks | undefined;

  /** The request's reminders were read for tools the client holds back (done at most once, and only if needed). */
  private deferredRead = false;
  /** What the conversation shows of the files the turn's edits go to (orchids/patch-widen.ts). */
  private readonly known = new KnownFiles();

  constructor(
    private tools: ToolDefinition[] | undefined,
    private readonly out: BlockWriter,
    private readonly policy: ToolCallPolicy = {},
    /** Where a client with a tool search names the tools it holds back (anthropic/deferred-tools.ts). */
    private readonly deferredSource?: DeferredToolSource,
  ) {}

  /**
   * The client tool a call goes to. A call that names no declared tool may name one the client's tool search holds
   * back: those are read once, at the first such call, and from then on count as declared.
   */
  private match(upstreamName: string, input?: Record<string, unknown>): ToolMatch | undefined {
    const match = matchClientTool(upstreamName, this.tools, input);
    if (match?.by === 'name' || this.deferredRead || !this.deferredSource) return match;
    this.deferredRead = true;
    const withDeferred = withDeferredTools(this.tools, this.deferredSource);
    if (withDeferred === this.tools) return match;
    this.tools = withDeferred;
    return matchClientTool(upstreamName, withDeferred, input);
  }

  private get clientMarks(): ClientMarks {
    return (this.marks ??= {
      continue: declaresContinueRead(this.tools),
      joinsAddedLines: addsWithoutFinalNewline(this.tools),
    });
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
    const match = this.live || !this.mayForward ? undefined : this.match(name);
    // A write on Continue's tools waits for its input: its file decides whether it, or a later edit, goes
    // (`changedFile`).
    const waits = writesFile(name) && this.clientMarks.continue;
    if (match && !waits && !inputRepairMayApply(name, match.name, this.tools)) this.openLive(id, name, match.name);
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
    this.known.seen(upstreamName);
    this.live = { upstreamId, upstreamName, clientName, index, parts: [], ended: false };
    this.toolUses += 1;
    this.out.countOutput(clientName);
  }

  private completeLive(input: string | Record<string, unknown>): boolean {
    const live = this.live!;
    const streamed = live.parts.join('');
    if (!streamed.trim()) {
      // Nothing went out yet, so the whole input can still be checked against the client's schema.
      const json = JSON.stringify(this.repaired(input, live.upstreamName, live.clientName));
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
    const changed = this.changedFile(upstreamName, parsed);
    if (changed !== undefined && isEditCall(upstreamName) && this.changedFiles.has(changed)) {
      this.emitUnmapped(upstreamId, upstreamName, parsed, declinedEdit(upstreamName, parsed, 'sameFile'));
      return;
    }
    const match = this.match(upstreamName, parsed);
    if (!match) {
      if (!this.emitEditByEdit(upstreamId, upstreamName, parsed)) this.emitUnmapped(upstreamId, upstreamName, parsed);
      return;
    }
    // DECISION: an edit the client's apply_patch is its tool for, but that no patch can say, is declined as a call to
    // a tool the client lacks: sent, it was an empty patch the client refused, after a round trip of its user's.
    if (hasNoPatchForm(parsed, clientTool(match.name, this.tools)?.schema, upstreamName, match.name)) {
      this.emitUnmapped(upstreamId, upstreamName, parsed, declinedEdit(upstreamName, parsed, 'noPatchForm'));
      return;
    }
    // An edit the client applies as a patch goes on whole lines where the conversation shows the file (patch-widen.ts).
    const messages = this.deferredSource?.messages;
    const input = match.name === 'apply_patch' ? this.known.widen(upstreamName, parsed, messages) : parsed;
    this.known.seen(upstreamName);
    const json = JSON.stringify(this.repaired(input, upstreamName, match.name));
    this.emitToolUse(toolUseIdFor(upstreamId), match.name, json);
    // Only a call the client runs changes its file: a declined one leaves the file free for the turn's next edit.
    if (changed !== undefined) this.changedFiles.add(changed);
  }

  /**
   * The file a call on Continue's tools writes whole (an Edit, a MultiEdit, a Write), else undefined. cn (1.5.47) works
   * out every call of a turn on the files as the turn found them before it runs any, and each edit writes the whole
   * file: the second of two Edit calls to one file undid the first, and an Edit after a Write of its file undid the
   * Write, each reporting a success (seen with the real cn).
   * DECISION: an edit of a file a call before it in the turn writes is declined, the agent told as its error to make
   * one file's edits one MultiEdit or one a turn, rather than merged with the first into one MultiEdit call. The proxy
   * keeps nothing between requests and the client replays one call under one id, so the agent's second call would have
   * no result of its own to go back under; and MultiEdit applies all or none, so a failing second edit would have
   * undone a first the agent made apart. A Write after an edit of its file goes: it replaces the file whole, as it
   * would have run after the edit. Calls to different files in one turn go as before.
   */
  private changedFile(upstreamName: string, input: Record<string, unknown>): string | undefined {
    if (!writesFile(upstreamName) || !this.clientMarks.continue) return undefined;
    const file = input['file_path'] ?? input['path'] ?? input['filepath'];
    return typeof file === 'string' && file !== '' ? file : undefined;
  }

  /** A call's input as the declared client tool takes it. */
  private repaired(input: string | Record<string, unknown>, upstreamName: string, clientName: string) {
    const tool = clientTool(clientName, this.tools);
    const route = {
      upstreamName,
      clientName,
      clientDescription: tool?.description,
      agentTools: this.policy.agentTools,
      joinsAddedLines: this.clientMarks.joinsAddedLines,
    };
    return repairToolInput(input, tool?.schema, route);
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
   * A MultiEdit for a client with an Edit and no MultiEdit, as one Edit call an edit (anthropic/multi-edit.ts); false
   * when it is not one, cannot be split, or the calls would pass `disable_parallel_tool_use`'s one.
   * DECISION: never on Continue's Edit, where it is declined with words saying how to make the edits. cn (1.5.47)
   * works out every call of a turn on the file as the turn found it before it runs any, and each Edit writes the whole
   * file: the last edit's write undid the ones before it, each reported a success (seen with the real cn on `glm-5`).
   */
  private emitEditByEdit(upstreamId: string, upstreamName: string, input: Record<string, unknown>): boolean {
    const calls = multiEditAsEdits(upstreamName, input);
    const edit = calls && matchClientTool('Edit', this.tools);
    if (!calls || !edit) return false;
    if (this.clientMarks.continue) {
      this.emitUnmapped(upstreamId, upstreamName, input, declinedEdit(upstreamName, input, 'oneEditATurn'));
      return true;
    }
    if (this.policy.maxToolUses !== undefined && this.toolUses + calls.length > this.policy.maxToolUses) return false;
    calls.forEach((call, i) => {
      // The first keeps the agent's id; the others are told apart by their place, so each result pairs with its edit.
      const id = toolUseIdFor(i === 0 ? upstreamId : `${upstreamId}_${i + 1}`);
      this.emitToolUse(id, edit.name, JSON.stringify(this.repaired(call, 'Edit', edit.name)));
    });
    return true;
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

function isEditCall(name: string): boolean {
  const canonical = canonicalToolName(name);
  return canonical === 'Edit' || canonical === 'MultiEdit';
}

function writesFile(name: string): boolean {
  return isEditCall(name) || canonicalToolName(name) === 'Write';
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
