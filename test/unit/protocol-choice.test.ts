import { describe, expect, it } from 'vitest';
import { DEFAULT_REPROBE_MS, ProtocolChoice, type ProtocolMemory } from '../../main/core/upstream/protocol-choice';
import type { ProtocolSetting, UpstreamProtocol } from '../../main/core/upstream/protocol';

function harness(setting: ProtocolSetting = 'auto') {
  let now = 1_000_000;
  const writes: Array<{ accountId: number; protocol: UpstreamProtocol | ''; at: number }> = [];
  const choice = new ProtocolChoice({
    setting: () => setting,
    remember: (accountId, protocol, at) => writes.push({ accountId, protocol, at }),
    now: () => now,
  });
  return {
    choice,
    writes,
    advance: (ms: number) => (now += ms),
    now: () => now,
  };
}

const account = (protocol: string, protocolCheckedAt: number | null = null): ProtocolMemory => ({
  id: 7,
  protocol,
  protocolCheckedAt,
});
const order = (steps: Array<{ protocol: string; confirmed: boolean }>) =>
  steps.map((s) => `${s.protocol}${s.confirmed ? '!' : ''}`);

describe('ProtocolChoice', () => {
  it('probes ws, then sse-b, then sse-a for an account that has answered on none', () => {
    const { choice } = harness();
    expect(order(choice.plan(account('')))).toEqual(['ws', 'sse-b', 'sse-a']);
  });

  it('starts with the remembered protocol, trusted, and keeps the others as fallbacks in order', () => {
    const { choice, now } = harness();
    expect(order(choice.plan(account('ws', now())))).toEqual(['ws!', 'sse-b', 'sse-a']);
    expect(order(choice.plan(account('sse-a', now())))).toEqual(['sse-a!', 'ws', 'sse-b']);
  });

  it('looks again at the protocols ahead of a remembered fallback once it is a few minutes old', () => {
    const { choice, now, advance } = harness();
    const memory = account('sse-b', now());
    advance(DEFAULT_REPROBE_MS - 1);
    expect(order(choice.plan(memory))).toEqual(['sse-b!', 'ws', 'sse-a']);
    advance(1);
    expect(order(choice.plan(memory))).toEqual(['ws', 'sse-b!', 'sse-a']);
  });

  it('never re-probes when the remembered protocol is already the preferred one', () => {
    const { choice, advance } = harness();
    advance(10 * DEFAULT_REPROBE_MS);
    expect(order(choice.plan(account('ws', 0)))).toEqual(['ws!', 'sse-b', 'sse-a']);
  });

  it('a pinned setting is a plan of one, trusted, whatever the account remembers', () => {
    for (const pinned of ['ws', 'sse-b', 'sse-a'] as const) {
      const { choice } = harness(pinned);
      expect(order(choice.plan(account('ws', 0)))).toEqual([`${pinned}!`]);
    }
  });

  it('remembers a new protocol at once, and an unchanged one only when its check went stale', () => {
    const { choice, writes, now, advance } = harness();
    choice.answered(account(''), 'sse-b');
    expect(writes).toEqual([{ accountId: 7, protocol: 'sse-b', at: now() }]);
    const fresh = account('sse-b', now());
    choice.answered(fresh, 'sse-b');
    expect(writes).toHaveLength(1);
    advance(DEFAULT_REPROBE_MS);
    choice.answered(fresh, 'sse-b');
    expect(writes).toHaveLength(2);
  });

  it('never restamps what it does not re-probe: a pinned protocol, or ws under auto, writes only on a change', () => {
    for (const setting of ['ws', 'sse-b', 'sse-a', 'auto'] as const) {
      const { choice, writes, advance } = harness(setting);
      const used = setting === 'auto' ? 'ws' : setting;
      const memory = account(used, 0);
      advance(10 * DEFAULT_REPROBE_MS);
      choice.answered(memory, used);
      expect(writes).toEqual([]);
      choice.answered(account('', null), used);
      expect(writes.map((w) => w.protocol)).toEqual([used]);
    }
  });

  it('forgets a remembered protocol that refused, and ignores refusals of others', () => {
    const { choice, writes } = harness();
    choice.refused(account('ws', 5), 'sse-a');
    expect(writes).toEqual([]);
    choice.refused(account('ws', 5), 'ws');
    expect(writes.map((w) => w.protocol)).toEqual(['']);
  });
});
