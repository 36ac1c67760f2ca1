import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../main/core/accounts/types';
import type { MessagesRequest } from '../../main/core/anthropic/types';
import { PreparedToolsCache } from '../../main/core/orchids/prepared-tools';
import { UpstreamBodies } from '../../main/core/orchids/upstream-bodies';

const request: MessagesRequest = {
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hello' }],
};

const account = (n: number): AccountRecord =>
  ({ id: `acc_${n}`, email: `user${n}@example.test`, userId: `user_${n}` }) as unknown as AccountRecord;

function bodies(): { bodies: UpstreamBodies; asked: () => number } {
  let asked = 0;
  const tools = new PreparedToolsCache().prepare(undefined);
  const upstream = new UpstreamBodies(request, {
    upstreamModel: 'claude-sonnet-4-5',
    chatSessionId: () => {
      asked += 1;
      return 'chat_00000000000000aa';
    },
    tools,
    thinkingMode: 'auto',
  });
  return { bodies: upstream, asked: () => asked };
}

describe('UpstreamBodies', () => {
  it('asks for no chat session id for Generation B bodies, which carry none', () => {
    const { bodies: upstream, asked } = bodies();
    for (const protocol of ['ws', 'sse-b'] as const) {
      const body = upstream.for(protocol, account(1)) as Buffer;
      expect(body.toString('utf8')).not.toContain('chat_00000000000000aa');
    }
    expect(asked()).toBe(0);
  });

  it('puts the chat session id in the Generation A body, asking once for every account tried', () => {
    const { bodies: upstream, asked } = bodies();
    for (const n of [1, 2]) {
      const body = JSON.parse((upstream.for('sse-a', account(n)) as Buffer).toString('utf8')) as Record<
        string,
        unknown
      >;
      expect(body.chatSessionId).toBe('chat_00000000000000aa');
      expect(body.email).toBe(`user${n}@example.test`);
    }
    expect(asked()).toBe(1);
  });

  // Spec 2.2: projectId is the account's project id, the constant UUID only when the account has none.
  it("sends the account's project id in the Generation A body, and the default UUID when it has none", () => {
    const { bodies: upstream } = bodies();
    const projectOf = (projectId: string): unknown =>
      JSON.parse((upstream.for('sse-a', { ...account(1), projectId }) as Buffer).toString('utf8')).projectId;
    expect(projectOf('5b1f0c2e-0000-4000-8000-000000000001')).toBe('5b1f0c2e-0000-4000-8000-000000000001');
    expect(projectOf('')).toBe('00000000-0000-0000-0000-000000000000');
  });
});
