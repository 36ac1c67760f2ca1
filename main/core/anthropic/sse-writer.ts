/** Anthropic's SSE framing: `event: <name>` and one `data:` line of JSON, then a blank line. */
export function sseFrame(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const PING_FRAME = sseFrame('ping', { type: 'ping' });

const MESSAGE_STOP_FRAME = sseFrame('message_stop', { type: 'message_stop' });
const DELTA_PREFIX = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":';
const STOP_PREFIX = 'event: content_block_stop\ndata: {"type":"content_block_stop","index":';

/** Each delta type's one field besides `type`, and the JSON between the type's name and that field's value. */
const DELTA_FIELDS: Readonly<Record<string, readonly [field: string, joint: string]>> = {
  text_delta: ['text', 'text_delta","text":'],
  thinking_delta: ['thinking', 'thinking_delta","thinking":'],
  signature_delta: ['signature', 'signature_delta","signature":'],
  input_json_delta: ['partial_json', 'input_json_delta","partial_json":'],
};

/**
 * `sseFrame` for the events a stream is mostly made of, written from fixed pieces: a text delta costs one
 * JSON.stringify of its text instead of a walk over two nested objects. The output is byte for byte what
 * `sseFrame` writes, which holds because every producer (the translator, tool calls, the replay of a checked
 * answer) builds these payloads as `{ type, index, delta: { type, <field> } }` and nothing more; any other event
 * goes through `sseFrame`.
 */
export function anthropicFrame(name: string, payload: Record<string, unknown>): string {
  switch (name) {
    case 'content_block_delta': {
      const delta = payload.delta as Record<string, unknown>;
      const known = DELTA_FIELDS[delta.type as string];
      const value = known && delta[known[0]];
      if (typeof value !== 'string') break;
      return `${DELTA_PREFIX}${payload.index as number},"delta":{"type":"${known![1]}${JSON.stringify(value)}}}\n\n`;
    }
    case 'content_block_stop':
      return `${STOP_PREFIX}${payload.index as number}}\n\n`;
    case 'message_stop':
      return MESSAGE_STOP_FRAME;
  }
  return sseFrame(name, payload);
}
