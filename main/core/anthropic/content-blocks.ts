/**
 * The client's message as content blocks, whatever the upstream events were that made them: the Messages API's rules
 * for the blocks themselves. Indices count from 0; one text or thinking block is open at a time, and it opens at its
 * first delta, so no empty block is ever sent; a thinking block's signature goes out just before it closes; the
 * proxy's notes stand a paragraph apart from the agent's text; and a turn that may be held keeps what it said. What
 * the upstream's events mean, and when the turn ends, is stream-translator.ts's part.
 *
 * A base class of the translator rather than an object it holds: every text and thinking delta passes through here,
 * and as the translator's own fields and methods they cost no extra property load or call per delta (the app's CPU
 * per streamed request is measured against a bare hop, BENCHMARKS.md).
 */
import type { ContentBlock } from './types';
import { EMPTY_TEXT_BLOCK, EMPTY_THINKING_BLOCK } from './sse-writer';
import type { DeclinedToolCall } from './call-route';
import type { BlockWriter } from './tool-calls';

/** Receives Anthropic stream events in order: an SSE writer when streaming, an accumulator otherwise. */
export type AnthropicEventSink = (name: string, payload: Record<string, unknown>) => void;

/** What the blocks need of the translator's options. */
interface BlockOptions {
  holdDeclined?: boolean;
  followsNote?: boolean;
  sink: AnthropicEventSink;
}

/** A text or thinking block being written. */
interface OpenBlock {
  type: 'text' | 'thinking';
  index: number;
  signature?: string;
}

/** What sets the proxy's note apart from the agent's text around it. */
const PARAGRAPH_BREAK = '\n\n';

export abstract class ContentBlocks<Options extends BlockOptions> {
  /** Set once the client has been sent anything beyond message_start and pings. */
  contentStarted = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  /** The signature the upstream announced for a reasoning block, for the thinking block its first delta opens. */
  private pendingSignature: string | undefined;
  /**
   * With `holdDeclined`, what the agent said this turn: each text or thinking block as it opens, then its deltas. A
   * held turn goes back to the agent with it; whether a turn is held is known only at its end, after the text went
   * to the client, so it is kept from the start. It costs one array a turn and a push a delta, of the block and the
   * strings the translator holds anyway: nothing is copied or joined unless the turn is held (measured in
   * docs/performance.md, "A held turn's text").
   */
  private readonly said: Array<OpenBlock | string> | undefined;
  /**
   * DECISION: the proxy's notes (a call the client lacks, the agent's plan as a checklist) are paragraphs of their
   * own. Cline joins a message's text blocks as they are, in its window and in the history it sends back, so the note
   * ran into the agent's words on both sides ("…change level to 3.[The agent called …]Plan ready.", a checklist
   * whose last item swallowed the agent's next sentence). A break goes only where two texts would run together (as
   * Chat Completions' encoder joins blocks), so a note or an answer that stands alone is sent as before, and the
   * agent is never sent the break back as its own words.
   *
   * Here: the last text the client was sent ended without whitespace, so a note would run into it.
   */
  private textOpenEnded: boolean;
  /** The last text the client was sent was a note, which the agent's next words would run into. */
  private noteLast: boolean;

  constructor(protected readonly options: Options) {
    if (options.holdDeclined) this.said = [];
    this.textOpenEnded = this.noteLast = options.followsNote === true;
  }

  /**
   * Text held back in case it began a stop sequence (the translator's) goes out before a block of another kind
   * opens: a sequence is matched within one text, not across two.
   */
  protected abstract releaseHeldText(): void;

  /** What the tool calls write their blocks through (tool-calls.ts); made once, at the turn's first tool event. */
  protected blockWriter(countOutput: (text: string) => void): BlockWriter {
    return {
      open: (contentBlock) => {
        this.releaseHeldText();
        return this.openBlock(contentBlock);
      },
      delta: (index, delta) => this.options.sink('content_block_delta', { type: 'content_block_delta', index, delta }),
      stop: (index) => this.options.sink('content_block_stop', { type: 'content_block_stop', index }),
      countOutput,
      noteSeparator: () => {
        const separator = this.textOpenEnded ? PARAGRAPH_BREAK : '';
        // A note ends in a word or a bracket, never in whitespace.
        this.textOpenEnded = this.noteLast = true;
        return separator;
      },
    };
  }

  protected ensureOpen(type: 'text' | 'thinking'): void {
    if (this.open?.type === type) return;
    if (type === 'thinking') this.releaseHeldText();
    const index = this.openBlock(type === 'text' ? EMPTY_TEXT_BLOCK : EMPTY_THINKING_BLOCK);
    this.open = { type, index };
    this.said?.push(this.open);
    if (type === 'thinking' && this.pendingSignature) {
      this.open.signature = this.pendingSignature;
      this.pendingSignature = undefined;
    }
  }

  /** Starts a block after closing the open text or thinking block; tool blocks are closed by their owner. */
  private openBlock(contentBlock: Readonly<Record<string, unknown>>): number {
    if (this.open) this.close();
    const index = this.nextIndex++;
    this.contentStarted = true;
    this.options.sink('content_block_start', { type: 'content_block_start', index, content_block: contentBlock });
    return index;
  }

  /** A text or thinking delta to the open block. */
  protected delta(delta: Record<string, unknown>, text: string): void {
    this.said?.push(text);
    if (this.open!.type === 'text' && text !== '') {
      if (this.noteLast) {
        this.noteLast = false;
        if (!isSpace(text.charCodeAt(0))) delta = { ...delta, text: PARAGRAPH_BREAK + text };
      }
      this.textOpenEnded = !isSpace(text.charCodeAt(text.length - 1));
    }
    this.options.sink('content_block_delta', { type: 'content_block_delta', index: this.open!.index, delta });
  }

  /** The upstream announced a reasoning block, perhaps with its signature. */
  protected startThinking(signature: string | undefined): void {
    if (signature) this.pendingSignature = signature;
  }

  /** The upstream's reasoning block ended: the thinking block closes, with the signature the end carries. */
  protected endThinking(signature: string | undefined): void {
    if (signature && this.open?.type === 'thinking') this.open.signature = signature;
    if (this.open?.type === 'thinking') this.close();
    // A signature from a reasoning block that never produced text must not stick to the next one.
    this.pendingSignature = undefined;
  }

  protected endText(): void {
    if (this.open?.type === 'text') this.close();
  }

  /** Closes the open text or thinking block, if any. */
  protected endOpen(): void {
    if (this.open) this.close();
  }

  /** A held turn's blocks so far, and what the agent said in them (stream-translator.ts's HeldTurn). */
  protected saidSoFar(calls: readonly DeclinedToolCall[]): {
    blocks: number;
    said: ContentBlock[];
    saidBefore: readonly number[];
  } {
    return saidBlocks(this.nextIndex, this.said!, calls);
  }

  private close(): void {
    const open = this.open!;
    if (open.type === 'thinking' && open.signature) {
      this.options.sink('content_block_delta', {
        type: 'content_block_delta',
        index: open.index,
        delta: { type: 'signature_delta', signature: open.signature },
      });
    }
    this.options.sink('content_block_stop', { type: 'content_block_stop', index: open.index });
    this.open = undefined;
  }
}

/**
 * What a held turn said, as the blocks the Messages API replays, and where each call stands among them. Both were
 * numbered as the client was sent them, which is the order the agent wrote them in: a declined call waits only
 * until its input is whole, and a held turn has no live call anything could wait behind. A call whose input was
 * whole only at the end of the turn goes back last, where the client was shown it.
 */
function saidBlocks(
  count: number,
  said: ReadonlyArray<OpenBlock | string>,
  calls: readonly DeclinedToolCall[],
): { blocks: number; said: ContentBlock[]; saidBefore: readonly number[] } {
  const blocks: ContentBlock[] = [];
  const saidBefore: number[] = [];
  let i = 0;
  while (i < said.length) {
    const block = said[i++] as OpenBlock;
    while (saidBefore.length < calls.length && calls[saidBefore.length]!.index < block.index) {
      saidBefore.push(blocks.length);
    }
    let text = '';
    while (i < said.length && typeof said[i] === 'string') text += said[i++] as string;
    blocks.push(
      block.type === 'text'
        ? { type: 'text', text }
        : { type: 'thinking', thinking: text, signature: block.signature ?? '' },
    );
  }
  while (saidBefore.length < calls.length) saidBefore.push(blocks.length);
  return { blocks: count, said: blocks, saidBefore };
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}
