import type { AccountRecord } from '../accounts/types';
import type { MessagesRequest } from '../anthropic/types';
import type { UpstreamProtocol } from '../upstream/protocol';
import { encodeOrchidsBody } from './encode-body';
import { encodeGenBBody } from './gen-b/encode-body';
import { buildGenBBody, thinkingModeFor } from './gen-b/request-builder';
import type { GenBBody } from './gen-b/types';
import type { PreparedTools } from './prepared-tools';
import { buildOrchidsRequest } from './request-builder';
import type { OrchidsRequestBody } from './types';

export interface BodiesContext {
  upstreamModel: string;
  chatSessionId: string;
  tools: PreparedTools;
  /** The `thinkingMode` setting: `auto` follows the request. */
  thinkingMode: 'auto' | 'enabled' | 'disabled';
  /**
   * The request as each generation should see it, where they differ (structured output instructs Generation A to
   * call a tool and Generation B to write its arguments); the client's request otherwise.
   */
  variants?: { a: MessagesRequest; b: MessagesRequest };
}

/**
 * The upstream body of one client request, in whichever form an attempt needs. Each generation's body is built at
 * most once per request, however many accounts and protocols are tried, and only when some attempt needs it: a
 * warm account that speaks `ws` never pays for the Generation A conversion.
 */
export class UpstreamBodies {
  private genA: OrchidsRequestBody | undefined;
  private genB: GenBBody | undefined;
  private readonly encodedB: Partial<Record<'ws' | 'sse', Buffer>> = {};

  constructor(
    private readonly request: MessagesRequest,
    private readonly context: BodiesContext,
  ) {}

  for(protocol: UpstreamProtocol, account: AccountRecord): Buffer {
    if (protocol === 'sse-a') {
      // Generation A carries the account's identity in the body, so only its bulk is shared between accounts.
      this.genA ??= buildOrchidsRequest(this.context.variants?.a ?? this.request, {
        email: '',
        userId: '',
        upstreamModel: this.context.upstreamModel,
        chatSessionId: this.context.chatSessionId,
        tools: this.context.tools.tools,
      });
      return encodeOrchidsBody({ ...this.genA, email: account.email, userId: account.userId }, this.context.tools.json);
    }
    const form = protocol === 'ws' ? 'ws' : 'sse';
    let encoded = this.encodedB[form];
    if (!encoded) {
      this.genB ??= buildGenBBody(this.context.variants?.b ?? this.request, {
        upstreamModel: this.context.upstreamModel,
        thinkingMode: thinkingModeFor(this.request, this.context.thinkingMode),
      });
      encoded = encodeGenBBody(this.genB, form);
      this.encodedB[form] = encoded;
    }
    return encoded;
  }
}
