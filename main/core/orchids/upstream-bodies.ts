import type { AccountRecord } from '../accounts/types';
import type { MessagesRequest } from '../anthropic/types';
import type { UpstreamProtocol } from '../upstream/protocol';
import type { UpstreamFailure } from './failure';
import type { TimeSlices } from '../util/time-slices';
import { encodeOrchidsBody, encodeOrchidsBodyYielding } from './encode-body';
import { encodeGenBBody, encodeGenBBodyYielding } from './gen-b/encode-body';
import { buildGenBBody, thinkingModeFor } from './gen-b/request-builder';
import type { GenBBody } from './gen-b/types';
import type { PreparedTools } from './prepared-tools';
import { buildOrchidsRequest } from './request-builder';
import type { OrchidsRequestBody } from './types';

export interface BodiesContext {
  upstreamModel: string;
  /**
   * Only the Generation A body carries a chat session id: asked for when that body is built, so a request that never
   * goes out as Generation A makes none. Must answer the same for every UpstreamBodies of one request.
   */
  chatSessionId: () => string;
  tools: PreparedTools;
  /** The `thinkingMode` setting: `auto` follows the request. */
  thinkingMode: 'auto' | 'enabled' | 'disabled';
  /**
   * The request as each generation should see it, where they differ (structured output instructs Generation A to
   * call a tool and Generation B to write its arguments); the client's request otherwise.
   */
  variants?: { a: MessagesRequest; b: MessagesRequest };
  /** Present for a large body: it is encoded in time slices, so other clients are served meanwhile. */
  slices?: TimeSlices;
  /** The size of the client's body: a large body's upstream form is written into one Buffer sized from it. */
  clientBytes?: number;
  /** Why Generation B must not be sent this request, in words for the user (Codex's goal loop, goal-turns.ts). */
  genBRefusal?: string;
}

/**
 * The upstream body of one client request, in whichever form an attempt needs. Each generation's body is built at
 * most once per request, however many accounts and protocols are tried, and only when some attempt needs it: a
 * warm account that speaks `ws` never pays for the Generation A conversion.
 */
export class UpstreamBodies {
  private genA: OrchidsRequestBody | undefined;
  private genB: GenBBody | undefined;
  private readonly encodedB: Partial<Record<'ws' | 'sse', Buffer | Promise<Buffer>>> = {};

  constructor(
    private readonly request: MessagesRequest,
    private readonly context: BodiesContext,
  ) {}

  /**
   * The request refused on `protocol` before anything is sent, as the client's own mistake would be (a 400, no other
   * account tried): nothing else would stop it, and each try would be a request paid with the user's credits.
   */
  refusal(protocol: UpstreamProtocol): UpstreamFailure | undefined {
    const reason = this.context.genBRefusal;
    if (reason === undefined || protocol === 'sse-a') return undefined;
    return { kind: 'client', status: 400, message: reason };
  }

  /** A Buffer, or for a large body (`context.slices`) a promise of it. */
  for(protocol: UpstreamProtocol, account: AccountRecord): Buffer | Promise<Buffer> {
    const { slices } = this.context;
    if (protocol === 'sse-a') {
      // Generation A carries the account's identity in the body, so only its bulk is shared between accounts.
      this.genA ??= buildOrchidsRequest(this.context.variants?.a ?? this.request, {
        email: '',
        userId: '',
        upstreamModel: this.context.upstreamModel,
        chatSessionId: this.context.chatSessionId(),
        tools: this.context.tools.tools,
      });
      const body = { ...this.genA, email: account.email, userId: account.userId };
      // Spec 2.2: the account's own project when it has one; the built body already holds the default otherwise.
      if (account.projectId) body.projectId = account.projectId;
      const toolsJson = this.context.tools.json;
      return slices
        ? encodeOrchidsBodyYielding(body, toolsJson, slices, this.context.clientBytes ?? 0)
        : encodeOrchidsBody(body, toolsJson);
    }
    const form = protocol === 'ws' ? 'ws' : 'sse';
    let encoded = this.encodedB[form];
    if (!encoded) {
      this.genB ??= buildGenBBody(this.context.variants?.b ?? this.request, {
        upstreamModel: this.context.upstreamModel,
        thinkingMode: thinkingModeFor(this.request, this.context.thinkingMode),
      });
      encoded = slices
        ? encodeGenBBodyYielding(this.genB, form, slices, this.context.clientBytes ?? 0)
        : encodeGenBBody(this.genB, form);
      this.encodedB[form] = encoded;
    }
    return encoded;
  }
}
