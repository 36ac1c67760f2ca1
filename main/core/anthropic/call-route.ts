/**
 * Which of the agent's tool calls reach the client, and as what: the turn's policy, apart from the streaming that
 * carries the calls out (tool-calls.ts).
 *
 * For one complete call it answers the tool_use block(s) to send (the call as the client's tool takes it, an edit as
 * the client's patch, a MultiEdit as one Edit an edit), or a call declined as text with the reason the agent is
 * told. It also answers, at `tool-input-start`, whether a call may go live before its input is known. It keeps what
 * the turn's earlier calls decide for later ones: the files they changed and what the conversation shows of them.
 * The records of calls that did not go are here too: what the proxy answers for them later is the policy's word.
 */
import type { ToolDefinition } from './types';
import { BRIDGE_CALL, declaresBridge, withDeferredTools, type DeferredToolSource } from './deferred-tools';
import { continueWorkingDirectory, sameFileKey } from './continue-paths';
import { editPartId, multiEditAsEdits } from './multi-edit';
import { declinedEdit, type ShownCall } from './unmapped-call-text';
import { addsWithoutFinalNewline, hasNoPatchForm } from '../orchids/patch-compose';
import { KnownFiles } from '../orchids/patch-widen';
import { declaresContinueRead } from '../orchids/gen-b/continue-edit-results';
import { clineEditorTool } from '../orchids/gen-b/editor-results';
import { switchedOn } from '../orchids/tool-input-coercion';
import { clientTool, inputRepairMayApply, matchClientTool, repairToolInput } from '../orchids/tool-mapping';
import { canonicalToolName, type ToolMatch } from '../orchids/tool-names';
import { toolUseIdFor } from '../util/ids';

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
  /**
   * The answer is not a turn the client acts on (a Codex compaction's summary): a call to a tool it lacks is dropped,
   * as its calls are, not shown as a note for the agent to be told to go on (openai/compaction.ts).
   */
  dropUnmapped?: boolean;
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

/** One tool_use block to send whole: its client id, the client tool's name, its input as JSON. */
export interface ForwardedCall {
  id: string;
  name: string;
  json: string;
}

/**
 * Where one complete call goes: as tool_use blocks, in order, or as a line of text. A declined call's `shown` is
 * what the text says and what the agent is told; none means what the call itself shows (`shownCall`).
 */
export type CallRoute = { declined: false; calls: ForwardedCall[] } | { declined: true; shown?: ShownCall };

/** Marks of one client's tool set that change how a call goes to it. */
interface ClientMarks {
  /** Continue CLI's (its Read takes `filepath`): it works out a turn's edits on the files as the turn found them. */
  continue: boolean;
  /** Cline's apply_patch, which ends an added file without a newline (orchids/patch-compose.ts). */
  joinsAddedLines: boolean;
  /** Cline's `editor`, by its name: it replaces one occurrence, so an Edit with replace_all may go as one span. */
  clineEditor: string | undefined;
}

export class CallRouter {
  /** The files the turn's calls on Continue's tools that the client was sent write (see `changedFile`). */
  private readonly changedFiles = new Set<string>();
  /** cn's working directory, read from the request at the first call that changes a file (continue-paths.ts). */
  private cwd: { dir: string | undefined } | undefined;
  /**
   * Which client's tool set the request carries, where a call's route depends on it: read from the declared tools at
   * the first call that asks, not at every call (a tool search adds only tools held back, never these marks).
   */
  private marks: ClientMarks | undefined;
  /** The request's reminders were read for tools the client holds back (done at most once, and only if needed). */
  private deferredRead = false;
  /** The tools Qwen Code holds back behind its `tool_call`, read with the others: a call to one goes as that call. */
  private bridged: ReadonlySet<string> | undefined;
  /** What the conversation shows of the files the turn's edits go to (orchids/patch-widen.ts). */
  private readonly known = new KnownFiles();

  constructor(
    private tools: ToolDefinition[] | undefined,
    private readonly policy: ToolCallPolicy,
    /**
     * Where a client with a tool search names the tools it holds back (anthropic/deferred-tools.ts), and Continue
     * its working directory (continue-paths.ts).
     */
    private readonly deferredSource?: DeferredToolSource,
  ) {}

  /**
   * At `tool-input-start`: the client tool a call is forwarded live to, its input streamed as it comes, or undefined
   * when it must wait for its whole input. `mayOpen` is false when another call is live or no tool_use may go: then
   * the call is not matched now.
   */
  liveTool(upstreamName: string, mayOpen: boolean): string | undefined {
    const match = mayOpen ? this.match(upstreamName) : undefined;
    // A write on Continue's tools waits for its input: its file decides whether it, or a later edit, goes
    // (`changedFile`); a call behind Qwen Code's bridge goes as a `tool_call` wrapping its whole input (`route`).
    const waits = (writesFile(upstreamName) && this.clientMarks.continue) || this.bridged?.has(match?.name ?? '');
    return match && !waits && !inputRepairMayApply(upstreamName, match.name, this.tools) ? match.name : undefined;
  }

  /** A call went out live: what it does to the files the conversation shows counts for the turn's later edits. */
  sentLive(upstreamName: string): void {
    this.known.seen(upstreamName);
  }

  /** Where one complete call the request still lets through goes; `toolUses` is how many tool_use went before it. */
  route(upstreamId: string, upstreamName: string, input: Record<string, unknown>, toolUses: number): CallRoute {
    const changed = this.changedFile(upstreamName, input);
    if (changed !== undefined && isEditCall(upstreamName) && this.changedFiles.has(changed)) {
      return { declined: true, shown: declinedEdit(upstreamName, input, 'sameFile') };
    }
    const match = this.match(upstreamName, input);
    if (!match) return this.editByEdit(upstreamId, upstreamName, input, toolUses) ?? { declined: true };
    // DECISION: an edit the client's apply_patch is its tool for, but that no patch can say, is declined as a call to
    // a tool the client lacks: sent, it was an empty patch the client refused, after a round trip of its user's.
    if (hasNoPatchForm(input, clientTool(match.name, this.tools)?.schema, upstreamName, match.name)) {
      return { declined: true, shown: declinedEdit(upstreamName, input, 'noPatchForm') };
    }
    // An edit the client applies as a patch goes on whole lines where the conversation shows the file (patch-widen.ts).
    // Only such a call reads the request's messages: any other leaves the request unread, as deferred tools want.
    // Cline's one-occurrence `editor` takes an Edit with replace_all as one span where the file is shown too.
    const widened =
      match.name === 'apply_patch'
        ? this.known.widen(upstreamName, input, this.deferredSource?.messages)
        : switchedOn(input['replace_all']) && match.name === this.clientMarks.clineEditor
          ? this.known.spanned(upstreamName, [input], this.deferredSource?.messages)[0]!
          : input;
    this.known.seen(upstreamName);
    const repaired = this.repaired(widened, upstreamName, match.name);
    const id = toolUseIdFor(upstreamId);
    const call = this.bridged?.has(match.name)
      ? { id, name: BRIDGE_CALL, json: JSON.stringify({ name: match.name, arguments: repaired }) }
      : { id, name: match.name, json: JSON.stringify(repaired) };
    // Only a call the client runs changes its file: a declined one leaves the file free for the turn's next edit.
    if (changed !== undefined) this.changedFiles.add(changed);
    return { declined: false, calls: [call] };
  }

  /** A call's input as the declared client tool takes it. */
  repaired(input: string | Record<string, unknown>, upstreamName: string, clientName: string) {
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
    // withDeferredTools adds the held-back tools after the declared ones.
    const declared = this.tools;
    if (declared && withDeferred && declaresBridge(declared)) {
      this.bridged = new Set(withDeferred.slice(declared.length).map((tool) => tool.name));
    }
    this.tools = withDeferred;
    return matchClientTool(upstreamName, withDeferred, input);
  }

  private get clientMarks(): ClientMarks {
    return (this.marks ??= {
      continue: declaresContinueRead(this.tools),
      joinsAddedLines: addsWithoutFinalNewline(this.tools),
      clineEditor: clineEditorTool(this.tools),
    });
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
   * would have run after the edit. Calls to different files in one turn go as before. A file is known by its path
   * as cn resolves it, however the agent spells it (continue-paths.ts).
   */
  private changedFile(upstreamName: string, input: Record<string, unknown>): string | undefined {
    if (!writesFile(upstreamName) || !this.clientMarks.continue) return undefined;
    const file = input['file_path'] ?? input['path'] ?? input['filepath'];
    if (typeof file !== 'string' || file === '') return undefined;
    this.cwd ??= { dir: continueWorkingDirectory(this.deferredSource) };
    return sameFileKey(file, this.cwd.dir);
  }

  /**
   * A MultiEdit for a client with an Edit and no MultiEdit, as one Edit call an edit (anthropic/multi-edit.ts);
   * undefined when it is not one, cannot be split, or the calls would pass `disable_parallel_tool_use`'s one.
   * DECISION: never on Continue's Edit, where it is declined with words saying how to make the edits. cn (1.5.47)
   * works out every call of a turn on the file as the turn found it before it runs any, and each Edit writes the whole
   * file: the last edit's write undid the ones before it, each reported a success (seen with the real cn on `glm-5`).
   */
  private editByEdit(
    upstreamId: string,
    upstreamName: string,
    input: Record<string, unknown>,
    toolUses: number,
  ): CallRoute | undefined {
    const edits = multiEditAsEdits(upstreamName, input);
    const edit = edits && matchClientTool('Edit', this.tools);
    if (!edits || !edit) return undefined;
    if (this.clientMarks.continue) {
      return { declined: true, shown: declinedEdit(upstreamName, input, 'oneEditATurn') };
    }
    if (this.policy.maxToolUses !== undefined && toolUses + edits.length > this.policy.maxToolUses) return undefined;
    // On Cline's one-occurrence `editor`, an edit with replace_all goes as one span, as an Edit's does (`route`).
    const spanned =
      edit.name === this.clientMarks.clineEditor && edits.some((call) => switchedOn(call['replace_all']))
        ? this.known.spanned(upstreamName, edits, this.deferredSource?.messages)
        : edits;
    // The client runs the calls: a later call of this response finds the file as they leave it, not as shown.
    this.known.seen(upstreamName);
    const first = toolUseIdFor(upstreamId);
    const calls = spanned.map((call, i) => ({
      id: editPartId(first, i + 1),
      name: edit.name,
      json: JSON.stringify(this.repaired(call, 'Edit', edit.name)),
    }));
    return { declined: false, calls };
  }
}

function isEditCall(name: string): boolean {
  const canonical = canonicalToolName(name);
  return canonical === 'Edit' || canonical === 'MultiEdit';
}

function writesFile(name: string): boolean {
  return isEditCall(name) || canonicalToolName(name) === 'Write';
}
