import { describe, expect, it } from 'vitest';
import { DebugTrace, debugFileName } from '../../main/core/logs/debug-trace';
import { recordLine } from '../../main/core/logs/record-line';
import type { RequestReport } from '../../main/core/proxy/observer';
import { finishedReport } from '../helpers/request-report';

const STARTED = Date.UTC(2026, 10, 25, 12, 0, 0, 7);
const FAKE_KEY = 'sk-ant-api03-FAKEFAKEFAKE';

function summary(): RequestReport {
  return finishedReport({ requestId: 'req_line1', startedAt: STARTED });
}

/** A finished trace whose upstream attempts sent `bodies`, one attempt each. */
function traced(
  bodies: Buffer[],
  headers: Record<string, unknown> = { 'content-type': 'application/json' },
  path?: string,
) {
  const trace = new DebugTrace('req_line1', debugFileName(STARTED, 'req_line1'), STARTED, () => STARTED + 2);
  trace.incoming(headers, { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }, path);
  for (const body of bodies) {
    trace.upstreamRequest('sse-a', 'http://127.0.0.1:9/agent', { authorization: 'Bearer [redacted]' }, body, 1);
    trace.upstreamResponse(200, { 'content-type': 'text/event-stream', 'set-cookie': '__session=abcdefgh' });
    trace.upstreamEvent('{"type":"model","event":{"type":"text-delta","delta":"ok"}}');
  }
  trace.clientFrame('{"type":"message"}');
  return trace.finish(summary());
}

describe('a debug record as one line', () => {
  it('is the JSON of the record, member for member, with the headers redacted and the bodies sent as JSON', () => {
    const record = traced([Buffer.from('{"prompt":"hi",\n "n":1}')]);
    const line = recordLine(record, []);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const expected = {
      version: 1,
      requestId: 'req_line1',
      file: record.file,
      summary: summary(),
      incoming: { headers: { 'content-type': 'application/json' }, body: record.incoming.body },
      upstream: [
        {
          accountId: 1,
          protocol: 'sse-a',
          url: 'http://127.0.0.1:9/agent',
          headers: { authorization: '[redacted]' },
          body: { prompt: 'hi', n: 1 },
          events: [{ t: 2, data: '{"type":"model","event":{"type":"text-delta","delta":"ok"}}' }],
          status: 200,
          responseHeaders: { 'content-type': 'text/event-stream', 'set-cookie': '[redacted]' },
        },
      ],
      client: [{ t: 2, frame: '{"type":"message"}' }],
    };
    // The same text JSON.stringify gives for the record (the body's line feed, whitespace between members, aside).
    expect(line).toBe(`${JSON.stringify(expected).replace('"hi","n"', '"hi",  "n"')}\n`);
  });

  it('keeps a body that is not one JSON value as text, so the line stays readable, redacted like the rest', () => {
    const bodies = [
      `{"prompt":"a"} {"second":"${FAKE_KEY}"}`, // braces at both ends, two values
      `{"prompt": "unterminated ${FAKE_KEY}}`,
      `[1, 2, "${FAKE_KEY}"`,
      `plain text, Bearer abcdefgh12345678`,
      '',
      '   ',
    ];
    const line = recordLine(traced(bodies.map((body) => Buffer.from(body))), []);
    expect(line).not.toContain(FAKE_KEY);
    expect(line).not.toContain('abcdefgh12345678');
    const parsed = JSON.parse(line) as { upstream: Array<{ body: unknown }> };
    expect(parsed.upstream.map((attempt) => attempt.body)).toEqual([
      '{"prompt":"a"} {"second":"[redacted-key]"}',
      '{"prompt": "unterminated [redacted-key]}',
      '[1, 2, "[redacted-key]"',
      'plain text, Bearer [redacted]',
      '',
      '   ',
    ]);
  });

  it('keeps the path the request came in on, with its query, first in `incoming`, redacted like the rest', () => {
    const line = recordLine(traced([Buffer.from('{}')], {}, `/v1/messages?beta=true&note=${FAKE_KEY}`), []);
    expect(line).toContain('"incoming":{"path":"/v1/messages?beta=true&note=[redacted-key]","headers":{}');
    expect(JSON.parse(line).incoming.path).toBe('/v1/messages?beta=true&note=[redacted-key]');
    // A record without one (a test's trace; records from before) has no member at all, as JSON.stringify leaves it.
    expect(JSON.parse(recordLine(traced([]), [])).incoming).not.toHaveProperty('path');
  });

  it("redacts the request's headers in the line without changing the request's own headers object", () => {
    const headers = { 'x-api-key': 'test-key-abcdef', Cookie: '__client=abcdefghijkl', accept: '*/*' };
    const line = recordLine(traced([Buffer.from('{}')], headers), ['my-literal-api-key-123']);
    expect(JSON.parse(line).incoming.headers).toEqual({
      'x-api-key': '[redacted]',
      Cookie: '[redacted]',
      accept: '*/*',
    });
    expect(headers).toEqual({ 'x-api-key': 'test-key-abcdef', Cookie: '__client=abcdefghijkl', accept: '*/*' });
  });

  it('marks the attempt that goes on with a held turn, where JSON.stringify would put it, and only that one', () => {
    const trace = new DebugTrace('req_line1', debugFileName(STARTED, 'req_line1'), STARTED, () => STARTED + 2);
    const attempt = () => {
      trace.upstreamRequest('sse-a', 'http://127.0.0.1:9/agent', {}, Buffer.from('{}'), 1);
      trace.upstreamResponse(200, {});
    };
    attempt();
    trace.continuation();
    attempt();
    // A continuation that failed before reaching the upstream: the retry after it is not marked.
    trace.continuation();
    trace.attemptFailed(1, 'network', 'refused');
    attempt();
    const record = trace.finish(summary());
    const parsed = JSON.parse(recordLine(record, [])) as { upstream: Array<Record<string, unknown>> };
    expect(parsed.upstream.map((a) => a['continues'])).toEqual([undefined, true, undefined]);
    expect(Object.keys(parsed.upstream[1]!)).toEqual(Object.keys(JSON.parse(JSON.stringify(record.upstream[1]))));
  });
});

describe("a debug record of the proxy's own answer", () => {
  it('says so, with the reason, after what the client was sent, as JSON.stringify would; other records do not', () => {
    const trace = new DebugTrace('req_line1', debugFileName(STARTED, 'req_line1'), STARTED, () => STARTED + 2);
    trace.incoming({}, { model: 'claude-sonnet-4-6' });
    trace.answeredByProxy('sub-agent wait');
    trace.clientFrame('{"type":"message"}');
    const record = trace.finish(summary());
    const line = recordLine(record, []);
    expect(JSON.parse(line)).toMatchObject({ upstream: [], answeredBy: { by: 'proxy', reason: 'sub-agent wait' } });
    expect(line).toBe(`${JSON.stringify(record)}\n`);
    expect(JSON.parse(recordLine(traced([]), []))).not.toHaveProperty('answeredBy');
  });
});

describe('debug file names', () => {
  it('carry the UTC time to the millisecond, across seconds, days and out-of-order times', () => {
    const at = Date.UTC(2026, 10, 25, 23, 59, 59, 999);
    expect(debugFileName(at, 'req_a')).toBe('20261125-235959-999_req_a.json');
    expect(debugFileName(at + 1, 'req_b')).toBe('20261126-000000-000_req_b.json');
    expect(debugFileName(at - 999, 'req_c')).toBe('20261125-235959-000_req_c.json');
    expect(debugFileName(at - 1000, 'req_d')).toBe('20261125-235958-999_req_d.json');
  });
});
