/** The Orchids coding-agent upstream: the Generation A request body and the events the proxy understands. */

export interface ChatHistoryEntry {
  role: 'user' | 'assistant';
  content: string;
}

export interface OrchidsTool {
  name: string;
  /** Left out when empty, as the reference client's `omitempty` did (spec 7.4). */
  description?: string;
  input_schema: Record<string, unknown>;
}

/** Generation A body (protocol page 2.2). */
export interface OrchidsRequestBody {
  prompt: string;
  chatHistory: ChatHistoryEntry[];
  projectId: string;
  currentPage: Record<string, never>;
  agentMode: string;
  mode: 'agent';
  gitRepoUrl: '';
  email: string;
  chatSessionId: string;
  userId: string;
  apiVersion: 2;
  model?: string;
  tools?: OrchidsTool[];
}

export interface UpstreamUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

/**
 * One upstream happening, normalised from every event shape the upstream has used (flat and nested `model`
 * events, `coding_agent.*`, `response_done`). The stream translator only ever sees these.
 */
export type UpstreamEvent =
  | { kind: 'thinking-start'; signature?: string }
  | { kind: 'thinking-delta'; text: string }
  | { kind: 'thinking-end'; signature?: string }
  | { kind: 'text-start' }
  | { kind: 'text-delta'; text: string }
  | { kind: 'text-end' }
  | { kind: 'tool-input-start'; id: string; name: string }
  | { kind: 'tool-input-delta'; id: string; delta: string }
  | { kind: 'tool-input-end'; id: string }
  /** A complete call; `input` is the raw JSON text or an already-parsed object. */
  | { kind: 'tool-call'; id: string; name: string; input: string | Record<string, unknown> }
  | { kind: 'usage'; usage: UpstreamUsage }
  | { kind: 'finish'; reason?: string; usage?: UpstreamUsage }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'credits-exhausted'; message: string };
