import { describe, expect, it } from 'vitest';
import { UpstreamEventTally, eventType } from '../../main/core/proxy/upstream-event-tally';

describe('eventType', () => {
  it.each([
    ['{"type":"model","event":{"type":"text-delta","delta":"x"}}', 'model/text-delta'],
    ['{"type":"model","event":{"data":{"type":"finish"}}}', 'model/finish'],
    ['{"type":"model","data":{"type":"reasoning-delta"}}', 'model/reasoning-delta'],
    ['{"type":"coding_agent.response.chunk","chunk":"x"}', 'coding_agent.response.chunk'],
    ['{"type":"connected"}', 'connected'],
    ['{"event":{"type":"finish"}}', '(no type)/finish'],
    ['[1,2]', 'not an object'],
    ['not json', 'not JSON'],
    ['[malformed] {"type":"model"', 'not JSON'],
  ])('%s → %s', (raw, type) => {
    expect(eventType(raw)).toBe(type);
  });
});

describe('UpstreamEventTally', () => {
  it('counts by type in order of first appearance, keeps the status, and bounds the number of types', () => {
    const tally = new UpstreamEventTally();
    const trace = tally.trace();
    trace.upstreamResponse(200, {});
    for (const raw of [
      '{"type":"connected"}',
      '{"type":"model","event":{"type":"text-delta"}}',
      '{"type":"model","event":{"type":"text-delta"}}',
    ])
      trace.upstreamEvent(raw);
    expect(tally.status).toBe(200);
    expect(tally.list()).toEqual([
      { type: 'connected', count: 1 },
      { type: 'model/text-delta', count: 2 },
    ]);
    for (let i = 0; i < 100; i++) tally.add(`{"type":"t${i}"}`);
    expect(tally.size).toBe(24);
    tally.add('{"type":"connected"}'); // a type already kept still counts
    expect(tally.list()[0]).toEqual({ type: 'connected', count: 2 });
  });
});
