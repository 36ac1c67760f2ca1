/**
 * Codex CLI's remote compaction on its built-in `openai` provider (0.171): when the conversation nears its limit it
 * posts the whole history to `POST /v1/responses` with a last input item `{"type": "compaction_trigger"}`, and reads
 * the answer's output for exactly one `compaction` item (any other count fails the turn), whose `encrypted_content`
 * it keeps, opaque, as the history from then on, sending it back as a `compaction` input item in every later request.
 *
 * DECISION: served, statelessly. The trigger becomes a request to the model to summarise the conversation for its
 * own continuation; the answer's text is returned as the one `compaction` item, its `encrypted_content` the summary
 * itself under a marker (nothing is stored, so nothing else could stand for it). A `compaction` item sent back goes
 * upstream as that summary, in the user's turn. Refusing the trigger (a 400) failed the turn; dropping it would have
 * answered a message where Codex requires the compaction item, failing it too. A `compaction` item that is not ours
 * (OpenAI's own sealed one, from a session begun on OpenAI) is left out, as sealed reasoning is: only OpenAI opens it.
 *
 * DECISION: the trigger's request keeps Codex's tools. Generation B is sent no client tools in any request (nothing
 * to save), but its history is read through them (shell output unwrapped, Task spawns folded), and Generation A names
 * the history's calls by them as it did in every turn before. A call the model makes anyway is dropped below: only
 * text makes the summary, all of it, written before the call and after.
 *
 * DECISION: so is a call to a tool Codex lacks (Generation B's TodoWrite, as the agent updates its plan while it
 * writes the summary). In a turn that call is shown as the proxy's note and answered for the agent to go on with the
 * task (proxy/declined-calls.ts); here the note would have become part of the summary, the user's text in every later
 * request, and the going on a second upstream request whose words joined it. The translator drops it instead
 * (`ResponsesFormat.summaryOnly`, the tool policy's `dropUnmapped`), so there is neither note nor call to go on from.
 *
 * DECISION: an answer with no text (the model only called a tool) fails the compaction with a 502, streamed as
 * `response.failed`. Codex keeps the one item it gets as the whole history from then on: an empty summary would have
 * erased the conversation without a word, where a failure leaves it as it was (Codex 0.171 asks twice more, then
 * fails the turn in these words).
 */
import type { StreamEncoder } from '../proxy/api-format';
import { ApiError } from '../server/errors';
import { isObject, requireString, type Json } from './params';
import { itemId, type Item } from './responses-items';
import type { ResponsesStreamEncoder } from './responses-stream';

/** What the model is asked in place of the trigger. */
export const COMPACTION_REQUEST =
  'Your context is nearly full. Write a summary of the conversation so far that lets you carry on the task from it ' +
  'alone: the goal and the user’s requests, what has been done and found (files, commands, results, decisions), ' +
  'what remains to do next. Answer with the summary only, and call no tool.';

/** Marks a `compaction` item's content as a summary this proxy wrote, not OpenAI's sealed state. */
const MARKER = 'orchids-tray-summary:v1:';

/** The `compaction` output item carrying `summary`. */
export function compactionItem(summary: string): Item {
  return {
    type: 'compaction',
    id: itemId('cmp'),
    encrypted_content: MARKER + Buffer.from(summary, 'utf8').toString('base64'),
  };
}

/** The summary a replayed `compaction` item carries, as the user's text; undefined for one this proxy did not write. */
export function compactedHistory(item: Json, param: string): string | undefined {
  const content = requireString(item, 'encrypted_content', `${param}.encrypted_content`);
  if (!content.startsWith(MARKER)) return undefined;
  const summary = Buffer.from(content.slice(MARKER.length), 'base64').toString('utf8');
  return `<compacted_history>\nA summary of the conversation before this point:\n${summary}\n</compacted_history>`;
}

/**
 * Whether a request's input ends in Codex's trigger: its answer is then the compaction item. Only the last item is
 * looked at, as Codex puts it there: every Responses request would otherwise walk its whole input a second time.
 */
export function isCompaction(input: unknown): boolean {
  const last: unknown = Array.isArray(input) ? input.at(-1) : undefined;
  return isObject(last) && last.type === 'compaction_trigger';
}

/** Why a compaction whose answer has no text fails. */
function noSummary(): ApiError {
  return new ApiError(
    'api_error',
    'The upstream model wrote no summary for the compaction (it called a tool instead), so nothing was compacted: ' +
      'the conversation is as it was. Try again.',
    502,
  );
}

/** The text of a finished (non-streamed) answer's output, as one `compaction` item; throws when it has none. */
export function compactedOutput(output: Item[]): Item[] {
  const summary = textOf(output);
  if (summary.trim() === '') throw noSummary();
  return [compactionItem(summary)];
}

function textOf(output: Item[]): string {
  return output
    .filter((item) => item.type === 'message')
    .flatMap((item) => item.content as Array<{ text?: string }>)
    .map((part) => part.text ?? '')
    .join('');
}

/**
 * A streamed compaction: the answer's blocks are held back (Codex shows no text of a compaction) and its text becomes
 * the one `compaction` item, added and done just before the response completes.
 */
export class CompactionStreamEncoder implements StreamEncoder {
  readonly ping: string;
  refused?: ApiError;
  private summary = '';

  constructor(private readonly inner: ResponsesStreamEncoder) {
    this.ping = inner.ping;
  }

  encode(name: string, payload: Record<string, unknown>): string {
    switch (name) {
      case 'content_block_start':
      case 'content_block_stop':
        return '';
      case 'content_block_delta': {
        const delta = payload.delta as { type: string; text?: string };
        if (delta.type === 'text_delta') this.summary += delta.text ?? '';
        return '';
      }
      case 'message_stop':
        if (this.summary.trim() === '') {
          this.refused = noSummary();
          return this.inner.failure(this.refused);
        }
        return this.inner.finishItem(compactionItem(this.summary)) + this.inner.encode(name, payload);
      default:
        return this.inner.encode(name, payload);
    }
  }

  failure(error: ApiError): string {
    return this.inner.failure(error);
  }

  resetAttempt(): void {
    this.summary = '';
    this.refused = undefined;
    this.inner.resetAttempt();
  }
}
