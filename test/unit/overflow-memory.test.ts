import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../main/core/anthropic/types';
import { OverflowMemory } from '../../main/core/proxy/overflow-memory';
import { ContextOverflowError } from '../../main/core/server/errors';

/** A streamed request as Claude Code sends it, `n` telling conversations apart. */
function conversation(n: number, extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 32000,
    stream: true,
    system: [{ type: 'text', text: 'You are Claude Code.' }],
    tools: [{ name: 'Read', input_schema: { type: 'object' } }],
    messages: [{ role: 'user', content: `What colour does notes-${n}.txt name?` }],
    ...extra,
  };
}

/** Claude Code's resend: the same conversation unstreamed, max_tokens capped at 64000. */
const resend = (request: MessagesRequest): MessagesRequest => ({
  ...request,
  stream: false,
  max_tokens: Math.min(request.max_tokens, 64000),
});

const MODEL = 'claude-sonnet-4-6';
const refused = (n: number) => new ContextOverflowError(`input is too long ${n}`);

function memory(start = 1_000) {
  const clock = { now: start };
  return { clock, memory: new OverflowMemory(() => clock.now) };
}

describe('OverflowMemory', () => {
  it('answers the unstreamed resend of a refused conversation with the same refusal, once', () => {
    const { memory: m } = memory();
    const error = refused(1);
    const streamed = conversation(1, { max_tokens: 128000 });
    m.remember(streamed, MODEL, error);
    expect(m.recall(resend(streamed), MODEL)).toBe(error);
    // Used: forgotten, so a second resend goes upstream again.
    expect(m.recall(resend(streamed), MODEL)).toBeUndefined();
  });

  it('never answers a different conversation', () => {
    const { memory: m } = memory();
    const streamed = conversation(1);
    m.remember(streamed, MODEL, refused(1));
    const oneMore = {
      ...streamed,
      messages: [
        ...streamed.messages,
        { role: 'assistant' as const, content: 'ok' },
        { role: 'user' as const, content: 'go on' },
      ],
    };
    const compacted = { ...streamed, messages: [{ role: 'user' as const, content: 'Summary: notes-1.txt.' }] };
    expect(m.recall(resend(oneMore), MODEL)).toBeUndefined();
    expect(m.recall(resend(compacted), MODEL)).toBeUndefined();
    expect(m.recall(resend(conversation(2)), MODEL)).toBeUndefined();
    expect(m.recall(resend({ ...streamed, system: 'Another system prompt.' }), MODEL)).toBeUndefined();
    expect(m.recall(resend({ ...streamed, tools: [] }), MODEL)).toBeUndefined();
    expect(m.recall(resend({ ...streamed, model: 'claude-opus-4-8' }), MODEL)).toBeUndefined();
    // The same request sent to another upstream model (the model map changed in between).
    expect(m.recall(resend(streamed), 'gpt-5')).toBeUndefined();
    // None of those used it up.
    expect(m.recall(resend(streamed), MODEL)).toBeInstanceOf(ContextOverflowError);
  });

  it('forgets a refusal after its lifetime', () => {
    const { clock, memory: m } = memory();
    m.remember(conversation(1), MODEL, refused(1));
    clock.now += 59_999;
    m.remember(conversation(2), MODEL, refused(2));
    clock.now += 1;
    expect(m.recall(resend(conversation(1)), MODEL)).toBeUndefined();
    expect(m.recall(resend(conversation(2)), MODEL)).toBeInstanceOf(ContextOverflowError);
  });

  it('keeps the 8 newest refusals', () => {
    const { clock, memory: m } = memory();
    for (let n = 1; n <= 10; n++) {
      m.remember(conversation(n), MODEL, refused(n));
      clock.now += 1;
    }
    expect(m.recall(resend(conversation(1)), MODEL)).toBeUndefined();
    expect(m.recall(resend(conversation(2)), MODEL)).toBeUndefined();
    for (let n = 3; n <= 10; n++) expect(m.recall(resend(conversation(n)), MODEL)?.message).toContain(`too long ${n}`);
  });

  it('refused again, a conversation is remembered anew: its lifetime starts over and it counts as the newest', () => {
    const { clock, memory: m } = memory();
    m.remember(conversation(1), MODEL, refused(1));
    for (let n = 2; n <= 8; n++) m.remember(conversation(n), MODEL, refused(n));
    clock.now += 30_000;
    m.remember(conversation(1), MODEL, refused(11));
    m.remember(conversation(9), MODEL, refused(9));
    clock.now += 45_000;
    expect(m.recall(resend(conversation(2)), MODEL)).toBeUndefined();
    expect(m.recall(resend(conversation(1)), MODEL)?.message).toContain('too long 11');
  });

  it('reads nothing of a request while it remembers nothing', () => {
    const { clock, memory: m } = memory();
    const untouchable = new Proxy(conversation(1), {
      get: () => {
        throw new Error('read');
      },
    });
    expect(m.recall(untouchable, MODEL)).toBeUndefined();
    m.remember(conversation(2), MODEL, refused(2));
    clock.now += 60_000;
    // Expired: forgotten before any key is worked out.
    expect(m.recall(untouchable, MODEL)).toBeUndefined();
  });

  it('works out no key for a conversation of another length than every one it remembers', () => {
    const { memory: m } = memory();
    m.remember(conversation(1), MODEL, refused(1));
    const longer = conversation(1);
    // Only `messages` may be read, and only for its length: a key would read the rest.
    const twoMessages = [...longer.messages, { role: 'assistant' as const, content: 'ok' }];
    const lengthOnly = new Proxy(longer, {
      get: (_target, property) => {
        if (property === 'messages') return twoMessages;
        throw new Error(`read ${String(property)}`);
      },
    });
    expect(m.recall(lengthOnly, MODEL)).toBeUndefined();
    expect(m.recall(resend(conversation(1)), MODEL)).toBeInstanceOf(ContextOverflowError);
  });
});
