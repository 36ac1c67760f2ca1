/** Anthropic's SSE framing: `event: <name>` and one `data:` line of JSON, then a blank line. */
export function sseFrame(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const PING_FRAME = sseFrame('ping', { type: 'ping' });
