/**
 * Stop sequences, emulated: neither upstream generation takes them, so the proxy watches the answer's text and
 * ends the message at the first match, as Anthropic's API would (`stop_reason: "stop_sequence"`, the matched text
 * not included). Text that might be the start of a sequence is held back until the next delta settles it, so a
 * sequence split across deltas is still found and never half-sent.
 */
export class StopScanner {
  private held = '';
  private readonly longest: number;

  constructor(private readonly sequences: readonly string[]) {
    this.longest = Math.max(...sequences.map((sequence) => sequence.length));
  }

  /** The text that can go to the client now, and the sequence that ended the answer, if one did. */
  push(text: string): { emit: string; matched?: string } {
    const combined = this.held + text;
    let at = -1;
    let matched: string | undefined;
    for (const sequence of this.sequences) {
      const index = combined.indexOf(sequence);
      if (index >= 0 && (at < 0 || index < at)) {
        at = index;
        matched = sequence;
      }
    }
    if (matched !== undefined) {
      this.held = '';
      return { emit: combined.slice(0, at), matched };
    }
    const hold = this.partialMatchAtEnd(combined);
    this.held = combined.slice(combined.length - hold);
    return { emit: combined.slice(0, combined.length - hold) };
  }

  /** What was held back, now known not to start a sequence (the text block ended). */
  flush(): string {
    const held = this.held;
    this.held = '';
    return held;
  }

  /** The length of the longest end of `text` that some sequence begins with. */
  private partialMatchAtEnd(text: string): number {
    for (let length = Math.min(this.longest - 1, text.length); length > 0; length--) {
      const tail = text.slice(text.length - length);
      if (this.sequences.some((sequence) => sequence.startsWith(tail))) return length;
    }
    return 0;
  }
}
