import { describe, expect, it } from 'vitest';
import {
  estimateInputTokens,
  estimateInputTokensYielding,
  estimateToolsTokens,
} from '../../main/core/anthropic/token-estimate';
import type { Message, MessagesRequest } from '../../main/core/anthropic/types';
import { encodeOrchidsBody, encodeOrchidsBodyYielding } from '../../main/core/orchids/encode-body';
import { encodeGenBBody, encodeGenBBodyYielding } from '../../main/core/orchids/gen-b/encode-body';
import { buildGenBBody } from '../../main/core/orchids/gen-b/request-builder';
import { buildOrchidsRequest } from '../../main/core/orchids/request-builder';
import { ByteWriter } from '../../main/core/util/byte-writer';
import { encodeJsonToBuffer, encodeJsonYielding } from '../../main/core/util/json-buffer';
import { TimeSlices } from '../../main/core/util/time-slices';

/**
 * A large body's token estimate and upstream encoding are worked in time slices (util/time-slices.ts). Slices of
 * 0 ms pause at every opportunity, so these check that stopping anywhere changes nothing: the same number and the
 * same bytes as the one-go versions, and the work really was split.
 */
class CountingSlices extends TimeSlices {
  pauses = 0;
  constructor() {
    super(0);
  }
  override async pause(): Promise<void> {
    this.pauses++;
    await super.pause();
  }
}

const line = 'const s = "quoted \\ ünïcödé";\tconsole.log(s); // 🍵 word123 x\n';
const text = (length: number): string => line.repeat(Math.ceil(length / line.length)).slice(0, length);

/** Long texts in every place one can be, and many ordinary messages. */
function largeRequest(): MessagesRequest {
  const messages: Message[] = [{ role: 'user', content: text(700_000) }];
  for (let i = 0; i < 200; i++) {
    const id = `toolu_${i}`;
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: { path: `/f${i}` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: text(2_000 + i) }] });
  }
  messages.push({
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: 'big', content: text(600_000) },
      {
        type: 'tool_result',
        tool_use_id: 'nested',
        content: [
          { type: 'text', text: text(300_000) },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD'.repeat(100_000) } },
        ],
      },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text(400_000) } },
      { type: 'text', text: `${'a'.repeat(262_143)}b${'c'.repeat(300_000)}` }, // a letter run across a part boundary
      { type: 'text', text: 'Go on.' },
    ],
  });
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 1024,
    system: [{ type: 'text', text: text(500_000) }],
    messages,
    tools: [{ name: 'Read', description: 'Reads a file', input_schema: { type: 'object' } }],
  };
}

describe('a large body worked in time slices', () => {
  const request = largeRequest();
  /** The client's body size the encoders size their one Buffer from: 0 makes the Buffer grow many times. */
  const clientSizes = [0, Buffer.byteLength(JSON.stringify(request))];

  it('has the same token estimate, with a string system text too', async () => {
    const tools = estimateToolsTokens(request.tools);
    for (const variant of [request, { ...request, system: text(400_000) }]) {
      const slices = new CountingSlices();
      expect(await estimateInputTokensYielding(variant, tools, slices)).toBe(estimateInputTokens(variant, tools));
      expect(slices.pauses).toBeGreaterThan(400);
    }
  });

  it('has the same Generation B body, for both transports', async () => {
    const body = buildGenBBody({ ...request, system: text(100_000) }, { upstreamModel: 'm', thinkingMode: 'enabled' });
    for (const transport of ['ws', 'sse'] as const) {
      for (const clientBytes of clientSizes) {
        const slices = new CountingSlices();
        const encoded = await encodeGenBBodyYielding(body, transport, slices, clientBytes);
        expect(encoded.equals(encodeGenBBody(body, transport)), `${transport}, ${clientBytes}`).toBe(true);
        expect(slices.pauses).toBeGreaterThan(400);
      }
    }
  });

  it('has the same Generation A body, with and without tools', async () => {
    const body = buildOrchidsRequest(request, {
      email: 'user1@example.test',
      userId: 'user_1',
      upstreamModel: 'm',
      chatSessionId: 'chat_1',
    });
    for (const tools of [undefined, Buffer.from('[{"name":"Read"}]')]) {
      for (const clientBytes of clientSizes) {
        const slices = new CountingSlices();
        const encoded = await encodeOrchidsBodyYielding(body, tools, slices, clientBytes);
        expect(encoded.equals(encodeOrchidsBody(body, tools))).toBe(true);
        expect(slices.pauses).toBeGreaterThan(100);
      }
    }
  });

  it('encodes any JSON value to the bytes JSON.stringify gives', async () => {
    const long = 'é"\n🍵'.repeat(10_000);
    for (const value of [null, long, [long, { a: long, b: undefined }], { toJSON: () => ({ x: [long, 1] }) }]) {
      const writer = new ByteWriter(0);
      await encodeJsonYielding(writer, value, new CountingSlices());
      expect(writer.finish().equals(encodeJsonToBuffer(value))).toBe(true);
    }
  });
});
