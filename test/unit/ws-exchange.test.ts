import { describe, expect, it } from 'vitest';
import { WsExchange } from '../../main/core/upstream/ws/ws-exchange';

describe('WsExchange', () => {
  it('hands payloads that arrived before consume() to the sink in order, the malformed ones as malformed', () => {
    const exchange = new WsExchange();
    exchange.frame({ n: 1 }, '{"n":1}');
    exchange.malformed('not json');
    exchange.frame(null, 'null');
    exchange.end();
    const seen: string[] = [];
    exchange.consume({
      frame: (value, raw) => seen.push(`frame ${JSON.stringify(value)} ${raw}`),
      malformed: (raw) => seen.push(`malformed ${raw}`),
      batchEnd: () => seen.push('batch'),
      end: () => seen.push('end'),
      error: (error) => seen.push(`error ${error.message}`),
    });
    expect(seen).toEqual(['frame {"n":1} {"n":1}', 'malformed not json', 'frame null null', 'batch', 'end']);
  });
});
