import type { UpstreamUsage } from '../orchids/types';
import { estimateTextTokens } from './token-estimate';
import type { Usage } from './types';

/**
 * A turn's token counts: what the upstream reports wins; otherwise the input estimate made before sending, and an
 * output estimate summed over everything the client was sent.
 */
export class UsageTally {
  private reported: UpstreamUsage = {};
  private outputEstimate = 0;

  constructor(private readonly inputTokensEstimate: number) {}

  countOutput(text: string): void {
    this.outputEstimate += estimateTextTokens(text);
  }

  merge(usage: UpstreamUsage): void {
    this.reported = { ...this.reported, ...usage };
  }

  usage(): Usage {
    const usage: Usage = {
      input_tokens: this.reported.inputTokens ?? this.inputTokensEstimate,
      output_tokens: this.reported.outputTokens ?? Math.max(1, Math.round(this.outputEstimate)),
    };
    if (this.reported.cacheReadInputTokens) usage.cache_read_input_tokens = this.reported.cacheReadInputTokens;
    if (this.reported.cacheCreationInputTokens) {
      usage.cache_creation_input_tokens = this.reported.cacheCreationInputTokens;
    }
    return usage;
  }

  /**
   * `message_delta`'s usage: the output always; the input only when the upstream reported it (message_start had the
   * estimate).
   */
  deltaUsage(usage: Usage): Record<string, number> {
    const delta: Record<string, number> = { output_tokens: usage.output_tokens };
    if (this.reported.inputTokens !== undefined) delta.input_tokens = usage.input_tokens;
    if (usage.cache_read_input_tokens) delta.cache_read_input_tokens = usage.cache_read_input_tokens;
    if (usage.cache_creation_input_tokens) delta.cache_creation_input_tokens = usage.cache_creation_input_tokens;
    return delta;
  }
}
