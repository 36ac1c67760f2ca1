import type { ServerResponse } from 'node:http';
import type { ApiName } from '../../../contract/views';
import { anthropicFrame, PING_FRAME, sseFrame } from '../anthropic/sse-writer';
import type { MessagesResponse } from '../anthropic/types';
import { wireUsage } from '../anthropic/usage-tally';
import { type ApiError, sendError } from '../server/errors';

/** Every API a request can come in on: a history row read back names one of these, or is taken as Anthropic's. */
const API_NAMES: readonly ApiName[] = ['anthropic', 'openai-chat', 'openai-responses'];

export const isApiName = (value: unknown): value is ApiName => API_NAMES.includes(value as ApiName);

/**
 * Turns the pipeline's Anthropic events into one API's stream frames. The pipeline always speaks Anthropic
 * internally (translator, accumulator, failover, structured output); an encoder is the only per-API part of a
 * streamed answer. One encoder per request: those of the OpenAI APIs keep state (ids, tool-call indices).
 */
export interface StreamEncoder {
  /** The frames for one Anthropic event, '' when the API has no counterpart for it. */
  encode(name: string, payload: Record<string, unknown>): string;
  /** The keep-alive frame for a quiet upstream. */
  readonly ping: string;
  /** What ends a stream that failed after it began: the client must learn the answer is incomplete. */
  failure(error: ApiError): string;
  /**
   * A failed attempt's unsent frames were dropped (failover): state built from them starts over. The frames of
   * `message_start` are kept, so whatever they set up stays.
   */
  resetAttempt(): void;
  /** The finished answer was refused, and this error sent in its place (see Responder.refused). */
  readonly refused?: ApiError;
}

/** How one API writes answers and errors. */
export interface ApiFormat {
  readonly api: ApiName;
  /**
   * The answer is not the agent's turn for the client to act on (a Codex compaction's summary): calls to tools the
   * client lacks are then dropped, not shown and answered for the agent to go on (declined-calls.ts).
   */
  readonly summaryOnly?: boolean;
  streamEncoder(): StreamEncoder;
  /** The body of a non-streamed answer; an ApiError thrown refuses it, answered as that error instead. */
  renderMessage(message: MessagesResponse): string;
  /** An error answered before any byte of the response was written. */
  sendError(res: ServerResponse, error: ApiError): void;
  /** The HTTP status `sendError` answers an error with (the history row records what the client saw). */
  errorStatus(error: ApiError): number;
}

const anthropicEncoder: StreamEncoder = {
  encode: anthropicFrame,
  ping: PING_FRAME,
  failure: (error) => sseFrame('error', { type: 'error', error: { type: error.type, message: error.message } }),
  resetAttempt() {},
};

/** The Messages API: the pipeline's own events, as they are. Stateless, so one object serves every request. */
export const ANTHROPIC_FORMAT: ApiFormat = {
  api: 'anthropic',
  streamEncoder: () => anthropicEncoder,
  renderMessage: (message) => JSON.stringify({ ...message, usage: wireUsage(message.usage) }),
  sendError,
  errorStatus: (error) => error.status,
};
