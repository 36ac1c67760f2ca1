import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugLogWriter, type Retention } from '../../main/core/logs/debug-log-writer';
import { DebugTrace, debugFileName } from '../../main/core/logs/debug-trace';
import { redactHeaders, redactText } from '../../main/core/logs/redact';
import type { RequestReport } from '../../main/core/proxy/observer';
import { tempDir } from '../helpers/temp-dir';

const FAKE_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyX2Zha2UiLCJleHAiOjE3MDAwMDAwMDB9.ZmFrZS1zaWduYXR1cmU';

function report(requestId: string, startedAt: number): RequestReport {
  return {
    requestId,
    startedAt,
    api: 'anthropic',
    model: 'claude-sonnet-4-6',
    upstreamModel: 'claude-sonnet-4-6',
    stream: true,
    finishedAt: startedAt + 5,
    status: 200,
    stopReason: 'end_turn',
    inputTokens: 3,
    outputTokens: 4,
    firstByteMs: 2,
    durationMs: 5,
    accountId: 1,
    accountsTried: [1],
    retries: 0,
    protocol: 'sse-a',
    accountName: 'account 1',
    accountEmail: 'user1@example.test',
    errorType: null,
    errorMessage: null,
  };
}

function record(i: number, body: unknown = { messages: [{ role: 'user', content: 'hi' }] }) {
  const id = `req_test${String(i).padStart(4, '0')}`;
  const startedAt = Date.UTC(2026, 10, 25, 12, 0, i);
  const trace = new DebugTrace(id, debugFileName(startedAt, id), startedAt, () => startedAt + 3);
  trace.incoming({ 'x-api-key': 'test-key-abcdef', 'content-type': 'application/json' }, body);
  trace.upstreamRequest(
    'sse-a',
    'http://127.0.0.1:9/agent',
    { authorization: `Bearer ${FAKE_JWT}` },
    Buffer.from('{"prompt":"hi"}'),
    1,
  );
  trace.upstreamEvent('{"type":"model","event":{"type":"text-delta","delta":"ok"}}');
  trace.clientFrame('event: ping\ndata: {"type":"ping"}\n\n');
  return trace.finish(report(id, startedAt));
}

function writer(dir: string, retention: Partial<Retention> = {}, secrets: string[] = []) {
  return new DebugLogWriter({
    dir,
    retention: () => ({ maxCount: 1000, maxBytes: 1e9, maxAgeMs: 1e12, ...retention }),
    secrets: () => secrets,
    now: () => Date.UTC(2026, 10, 25, 12, 30),
  });
}

const tmp = () => tempDir('orchids-logs-');

describe('DebugLogWriter', () => {
  it('writes one readable JSON file per request, named in time order, readable back by name', async () => {
    const dir = tmp();
    const w = writer(dir);
    w.enqueue(record(1));
    w.enqueue(record(2));
    await w.flushNow();
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['20261125-120001-000_req_test0001.json', '20261125-120002-000_req_test0002.json']);
    const back = await w.read(files[0]!);
    expect(back!.upstream[0]!.body).toEqual({ prompt: 'hi' }); // bytes became JSON in the writer
    expect(back!.upstream[0]!.events).toEqual([
      { t: 3, data: '{"type":"model","event":{"type":"text-delta","delta":"ok"}}' },
    ]);
    expect(back!.client[0]).toEqual({ t: 3, frame: 'event: ping\ndata: {"type":"ping"}\n\n' });
    expect(fs.statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    expect(await w.read('../../etc/passwd')).toBeUndefined();
  });

  it('keeps the newest records within the count, size and age limits, removing the oldest first', async () => {
    const dir = tmp();
    const byCount = writer(dir, { maxCount: 3 });
    for (let i = 1; i <= 5; i++) byCount.enqueue(record(i));
    await byCount.flushNow();
    expect(
      fs
        .readdirSync(dir)
        .sort()
        .map((f) => f.slice(-13)),
    ).toEqual(['test0003.json', 'test0004.json', 'test0005.json']);

    const sized = tmp();
    const bySize = writer(sized, { maxBytes: 1 });
    bySize.enqueue(record(1));
    await bySize.flushNow();
    expect(fs.readdirSync(sized)).toEqual([]);
  });

  it('does not wipe existing logs at start: it indexes them and prunes by age', async () => {
    const dir = tmp();
    const first = writer(dir);
    first.enqueue(record(1));
    await first.flushNow();
    const old = path.join(dir, '20200101-000000-000_req_old.json');
    fs.writeFileSync(old, '{}');
    fs.utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    const second = writer(dir, { maxAgeMs: 86_400_000 });
    second.enqueue(record(2));
    await second.flushNow();
    expect(fs.readdirSync(dir).sort()).toEqual([
      '20261125-120001-000_req_test0001.json',
      '20261125-120002-000_req_test0002.json',
    ]);
  });

  it('redacts credential headers by name and secret-shaped text by pattern, in every part of the record', async () => {
    const dir = tmp();
    const w = writer(dir, {}, ['my-literal-api-key-123']);
    w.enqueue(
      record(1, {
        note:
          `token ${FAKE_JWT} and __client=abcdefghijklmnop; ` +
          'key sk-ant-api03-FAKEFAKEFAKE and my-literal-api-key-123',
      }),
    );
    await w.flushNow();
    const text = fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]!), 'utf8');
    for (const secret of [
      FAKE_JWT,
      'abcdefghijklmnop',
      'sk-ant-api03-FAKEFAKEFAKE',
      'my-literal-api-key-123',
      'test-key-abcdef',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted');
    expect(text).toContain('"content-type": "application/json"');
  });
});

describe('redaction rules', () => {
  it('names the headers it hides and leaves others', () => {
    expect(redactHeaders({ Authorization: 'Bearer x', cookie: 'a=b', 'x-api-key': 'k', 'user-agent': 'ua' })).toEqual({
      Authorization: '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      'user-agent': 'ua',
    });
  });

  it('catches cookies in JSON form and bearer tokens in prose', () => {
    expect(redactText('{"__session":"abc123xyz"}')).toBe('{"__session":"[redacted]"}');
    expect(redactText('sent Bearer abcdefgh12345678 to it')).toBe('sent Bearer [redacted] to it');
    expect(redactText('plain words stay')).toBe('plain words stay');
  });
});

describe('DebugLogWriter under a storm', () => {
  it('writes at most its rate cap and counts the rest as dropped', async () => {
    const dir = tmp();
    let now = Date.UTC(2026, 10, 25, 12, 30);
    const w = new DebugLogWriter({
      dir,
      retention: () => ({ maxCount: 1000, maxBytes: 1e9, maxAgeMs: 1e12 }),
      secrets: () => [],
      now: () => now,
      maxWritesPerSecond: 5,
    });
    for (let i = 1; i <= 12; i++) w.enqueue(record(i));
    await w.flushNow();
    expect(fs.readdirSync(dir)).toHaveLength(5);
    expect(w.dropped).toBe(7);
    now += 1000; // a second later the writer may write again
    w.enqueue(record(13));
    await w.flushNow();
    expect(fs.readdirSync(dir)).toHaveLength(6);
  });
});

describe('DebugLogWriter admission', () => {
  it('refuses a trace before collecting it when the rate is spent or the queue full, counting refusals', async () => {
    const dir = tmp();
    const now = Date.UTC(2026, 10, 25, 12, 30);
    const w = new DebugLogWriter({
      dir,
      retention: () => ({ maxCount: 1000, maxBytes: 1e9, maxAgeMs: 1e12 }),
      secrets: () => [],
      now: () => now,
      maxWritesPerSecond: 3,
      capacity: 2,
    });
    expect([w.admit(), w.admit(), w.admit()]).toEqual([true, true, false]); // the queue holds two
    expect(w.dropped).toBe(1);
    w.enqueue(record(1), true);
    w.enqueue(record(2), true);
    await w.flushNow();
    expect([w.admit(), w.admit()]).toEqual([true, false]); // room again, but only one token left this second
    expect(w.dropped).toBe(2);
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });
});
