/**
 * A context overflow that ended a stream after a ping had sent the 200, kept for the resend Claude Code makes of it.
 *
 * Told by an `error` event rather than a 400, Claude Code 2.1 sends the refused conversation once more, unstreamed,
 * before it compacts (it does so for any bad request that ends a stream before a block is done). That resend is the
 * streamed request with `stream: false` and, when it asked for more than 64000, `max_tokens` capped there (its
 * non-streaming path caps both it and a thinking budget; seen in 2.1.332's code and its requests: nothing else in the
 * body differs, and of the headers only `x-stainless-timeout` and `content-length`). Going upstream again costs an
 * account's turn and many seconds for a refusal that cannot change, so the proxy answers it with the refusal it had.
 *
 * The key is everything of the body but `stream` and `max_tokens` (model, system, messages, tools, thinking, metadata
 * ...), and the upstream model the model map chose: the upstream never sees `max_tokens` (Generation B always sends
 * its own, Generation A none), so the two are the same conversation to it; a capped thinking budget is not left out,
 * and such a resend is only missed (it goes upstream, as before). Any other change, a message more or a compacted
 * history, is another key. The key is a hash, so a handful of entries stays small however long their conversations.
 *
 * Nothing is worked out while nothing is remembered: `recall` checks the size first, and a request reads no more;
 * while something is, a request of another length than every remembered one is told apart without a key.
 */
import { createHash } from 'node:crypto';
import type { MessagesRequest } from '../anthropic/types';
import type { ApiError } from '../server/errors';

/**
 * DECISION: 60 s. Claude Code sends its resend as soon as the stream has ended (milliseconds later), so this is only
 * room for a slow machine or a client that waits before retrying. Longer would answer from a memory the user may
 * have acted on since (another model map, an upstream whose window grew); a conversation sent again a minute later
 * deserves to be asked again.
 */
const LIFETIME_MS = 60_000;
/** DECISION: 8, a few clients overflowing at once; a refusal pushed out is only asked again upstream. */
const LIMIT = 8;

interface Remembered {
  error: ApiError;
  expiresAt: number;
  /** The conversation's length: a request of another length is another conversation, known without a hash. */
  messageCount: number;
}

export class OverflowMemory {
  /** In the order remembered, so the oldest, first to expire, come first. */
  private readonly refusals = new Map<string, Remembered>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The refusal remembered for this conversation, forgotten as it is given; undefined when there is none. */
  recall(request: MessagesRequest, upstreamModel: string): ApiError | undefined {
    if (this.refusals.size === 0) return undefined;
    this.forgetExpired();
    if (this.refusals.size === 0 || !this.holdsLength(request.messages.length)) return undefined;
    const key = conversationKey(request, upstreamModel);
    const found = this.refusals.get(key);
    if (found === undefined) return undefined;
    this.refusals.delete(key);
    return found.error;
  }

  /** Keeps `error`, the refusal of this conversation, for its resend; the oldest goes when the memory is full. */
  remember(request: MessagesRequest, upstreamModel: string, error: ApiError): void {
    this.forgetExpired();
    const key = conversationKey(request, upstreamModel);
    // Refused again: remembered anew, as the newest.
    this.refusals.delete(key);
    this.refusals.set(key, { error, expiresAt: this.now() + LIFETIME_MS, messageCount: request.messages.length });
    if (this.refusals.size > LIMIT) this.refusals.delete(this.refusals.keys().next().value!);
  }

  /**
   * Whether a refusal of a conversation this long is remembered. Other clients' unstreamed requests in the minute after
   * an overflow (a title, a summary, another session) are mostly of other lengths, and a long conversation's key costs
   * a serialisation and a hash of all of it.
   */
  private holdsLength(messageCount: number): boolean {
    for (const entry of this.refusals.values()) if (entry.messageCount === messageCount) return true;
    return false;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.refusals) {
      if (entry.expiresAt > now) return;
      this.refusals.delete(key);
    }
  }
}

function conversationKey(request: MessagesRequest, upstreamModel: string): string {
  const { stream: _stream, max_tokens: _maxTokens, ...conversation } = request;
  return createHash('sha256').update(upstreamModel).update('\n').update(JSON.stringify(conversation)).digest('base64');
}
