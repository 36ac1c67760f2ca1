import { afterEach, describe, expect, it } from 'vitest';
import { finish, sse, text, textParts } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { PINNED_MODES, type ProtocolMode } from '../helpers/upstream';
import { postMessages } from '../helpers/messages';

/** What the README's per-feature table says of each generation, checked: emulated, or never sent upstream. */
let stack: Stack;
afterEach(async () => stack?.stop());

describe.each(PINNED_MODES)('request features ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('stop_sequences are emulated: the text ends before the first match, stop_reason stop_sequence', async () => {
    stack = await start();
    // The sequence is split across two deltas of one text.
    stack.sim.enqueue(sse([...textParts(['one, two, ST', 'OP, three']), ...finish()]));
    stack.sim.enqueue(sse([...text('alpha END beta'), ...finish()]));
    const message = await stack.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      stop_sequences: ['STOP', 'never'],
      messages: [{ role: 'user', content: 'count' }],
    });
    expect(message.content.map((block) => (block.type === 'text' ? block.text : '')).join('')).toBe('one, two, ');
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });

    const stream = stack.client().messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      stop_sequences: ['END'],
      messages: [{ role: 'user', content: 'go' }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const streamed = await stream.finalMessage();
    expect(deltas.join('')).toBe('alpha ');
    expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  it('sampling parameters, cache_control, citations and metadata are not sent upstream', async () => {
    stack = await start();
    // Raw: the SDK no longer types every sampling parameter, and the point is what the proxy does with them.
    const response = await postMessages(stack.url, {
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 7,
      metadata: { user_id: 'user-fake-session-0001' },
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: 'The sky is blue.' },
              citations: { enabled: true },
            },
            { type: 'text', text: 'What colour is the sky?', cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    const { rawBody } = stack.sim.requests.at(-1)!;
    expect(rawBody).toContain('The sky is blue.');
    for (const dropped of [
      'temperature',
      'top_p',
      'top_k',
      'cache_control',
      'ephemeral',
      'citations',
      'user-fake-session-0001',
    ]) {
      expect(rawBody, dropped).not.toContain(dropped);
    }
  });
});
