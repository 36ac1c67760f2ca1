/**
 * The three ways Orchids Tray can talk to the Orchids coding agent (see ../shared/orchids-protocol-gen-b.md):
 *
 * - `ws`:    Generation B over a WebSocket (the protocol the original server spoke last, 2026-03-15 → 2026-08-22)
 * - `sse-b`: Generation B over HTTP SSE (its fallback until 2026-06-06)
 * - `sse-a`: Generation A over HTTP SSE (the `prompt`/`chatHistory` body, last sent 2026-03-14)
 *
 * `auto` (the default setting) tries them in this order per account and remembers the first that answers like an
 * Orchids agent.
 */
export const UPSTREAM_PROTOCOLS = ['ws', 'sse-b', 'sse-a'] as const;
export type UpstreamProtocol = (typeof UPSTREAM_PROTOCOLS)[number];

export const PROTOCOL_SETTINGS = ['auto', ...UPSTREAM_PROTOCOLS] as const;
export type ProtocolSetting = (typeof PROTOCOL_SETTINGS)[number];

export function isUpstreamProtocol(value: unknown): value is UpstreamProtocol {
  return typeof value === 'string' && (UPSTREAM_PROTOCOLS as readonly string[]).includes(value);
}

/** Generation B's host (Cloud Run), spec §3.1. */
export const DEFAULT_AGENT_WS_URL = 'wss://orchids-v2-alpha-108292236521.europe-west1.run.app/agent/ws/coding-agent';
export const DEFAULT_AGENT_B_URL = 'https://orchids-v2-alpha-108292236521.europe-west1.run.app/agent/coding-agent';
