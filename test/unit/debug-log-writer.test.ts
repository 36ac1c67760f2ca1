import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DebugLogWriter, type DebugLogWriterOptions, type Retention } from '../../main/core/logs/debug-log-writer';
import { DebugTrace, debugFileName } from '../../main/core/logs/debug-trace';
import { redactHeaders, redactText } from '../../main/core/logs/redact';
import type { RequestReport } from '../../main/core/proxy/observer';
import { finishedReport } from '../helpers/request-report';
import { tempDir } from '../helpers/temp-dir';

const FAKE_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyX2Zha2UiLCJleHAiOjE3MDAwMDAwMDB9.ZmFrZS1zaWduYXR1cmU';
const NOW = Date.UTC(2026, 10, 25, 12, 30);

function report(requestId: string, startedAt: number): RequestReport {
  return finishedReport({ requestId, startedAt, stream: true });
}

function record(i: number, body: unknown = { messages: [{ role: 'user', content: 'hi' }] }) {
  const id = `req_test${String(i).padStart(4, '0')}`;
  const startedAt = Date.UTC(2026, 10, 25, 12, 0, 0, i);
  const trace = new DebugTrace(id, debugFileName(startedAt, id), startedAt, () => startedAt + 3);
  trace.incoming({ 'x-api-key': 'test-key-abcdef', 'content-type': 'application/json' }, body);
  trace.upstreamRequest(
    'sse-a',
    'http://127.0.0.1:9/agent',
    { authorization: `Bearer ${FAKE_JWT}` },
    Buffer.from('{"prompt":"hi",\n "n":1}'),
    1,
  );
  trace.upstreamEvent('{"type":"model","event":{"type":"text-delta","delta":"ok"}}');
  trace.clientFrame('event: ping\ndata: {"type":"ping"}\n\n');
  return trace.finish(report(id, startedAt));
}

const writers: DebugLogWriter[] = [];
afterEach(async () => {
  for (const w of writers.splice(0)) await w.stop();
});

/** A debug-logs folder not yet created, in a temp dir removed after the test (once its writers have stopped). */
const tmp = (): string => path.join(tempDir('orchids-logs-'), 'debug-logs');

function writer(dir: string, retention: Partial<Retention> = {}, options: Partial<DebugLogWriterOptions> = {}) {
  const w = new DebugLogWriter({
    dir,
    retention: () => ({ maxCount: 100_000, maxBytes: 1e9, maxAgeMs: 1e12, ...retention }),
    secrets: () => [],
    now: () => NOW,
    ...options,
  });
  writers.push(w);
  return w;
}

const dataFiles = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('DebugLogWriter', () => {
  it('appends records to a segment, each readable back by its name, the upstream body as JSON', async () => {
    const dir = tmp();
    const w = writer(dir);
    const first = record(1);
    w.enqueue(first);
    w.enqueue(record(2));
    await w.flushNow();
    const files = dataFiles(dir);
    expect(files.filter((f) => f.endsWith('.ndjson'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    for (const file of files) expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    const back = await w.read(first.file);
    expect(back!.requestId).toBe('req_test0001');
    expect(back!.upstream[0]!.body).toEqual({ prompt: 'hi', n: 1 }); // the bytes sent, spliced in as JSON
    expect(back!.upstream[0]!.events).toEqual([
      { t: 3, data: '{"type":"model","event":{"type":"text-delta","delta":"ok"}}' },
    ]);
    expect(back!.client[0]).toEqual({ t: 3, frame: 'event: ping\ndata: {"type":"ping"}\n\n' });
    expect((await w.read(record(2).file))!.requestId).toBe('req_test0002');
    expect(await w.read('../../etc/passwd')).toBeUndefined();
    expect(await w.read('20261125-120000-009_req_never.json')).toBeUndefined();
    expect(w.written).toBe(2);
  });

  it('keeps exactly the newest records within the count, size and age limits, and gives back the files', async () => {
    const dir = tmp();
    const byCount = writer(dir, { maxCount: 3 });
    for (let i = 1; i <= 5; i++) byCount.enqueue(record(i));
    await byCount.flushNow();
    const kept = await Promise.all([1, 2, 3, 4, 5].map(async (i) => Boolean(await byCount.read(record(i).file))));
    expect(kept).toEqual([false, false, true, true, true]);

    const sized = tmp();
    const bySize = writer(sized, { maxBytes: 1 });
    bySize.enqueue(record(1));
    await bySize.flushNow();
    expect(await bySize.read(record(1).file)).toBeUndefined();
    expect(dataFiles(sized)).toEqual([]); // no record left in the segment: its files are gone
  });

  it('never wipes logs at start: a new writer reads old segments and one-file records, and prunes by age', async () => {
    const dir = tmp();
    const first = writer(dir);
    first.enqueue(record(1));
    await first.flushNow();
    await first.stop();
    const legacy = '20200101-000000-000_req_legacy.json';
    fs.writeFileSync(path.join(dir, legacy), JSON.stringify(record(9)));
    const second = writer(dir);
    expect((await second.read(record(1).file))!.requestId).toBe('req_test0001');
    expect((await second.read(legacy))!.requestId).toBe('req_test0009');

    fs.utimesSync(path.join(dir, legacy), new Date('2020-01-01'), new Date('2020-01-01'));
    const third = writer(dir, { maxAgeMs: 86_400_000 });
    third.enqueue(record(2));
    await third.flushNow();
    expect(fs.existsSync(path.join(dir, legacy))).toBe(false);
    expect(await third.read(record(1).file)).toBeDefined();
    expect(await third.read(record(2).file)).toBeDefined();
  });

  it('a crash mid-write: a record whose index line was lost is read from the data, a cut-short one not', async () => {
    const dir = tmp();
    const first = writer(dir);
    for (const i of [1, 2, 3]) first.enqueue(record(i));
    await first.flushNow();
    await first.stop();
    const file = (ext: string) =>
      path.join(
        dir,
        dataFiles(dir).find((f) => f.endsWith(ext))!,
      );
    const lines = fs.readFileSync(file('.idx'), 'utf8');
    // The index keeps its first line and half of its second; the data loses half of its third record.
    fs.writeFileSync(file('.idx'), lines.slice(0, lines.indexOf('\n') + 6));
    const data = fs.readFileSync(file('.ndjson'));
    fs.writeFileSync(file('.ndjson'), data.subarray(0, data.length - 20));
    fs.writeFileSync(path.join(dir, '20260101-000000-000-deadbeef.ndjson'), '{"half a line');
    const second = writer(dir);
    expect((await second.read(record(1).file))!.requestId).toBe('req_test0001');
    expect((await second.read(record(2).file))!.requestId).toBe('req_test0002');
    expect(await second.read(record(3).file)).toBeUndefined();
    second.enqueue(record(4));
    await second.flushNow();
    expect(dataFiles(dir)).not.toContain('20260101-000000-000-deadbeef.ndjson');
  });

  it('writes the index at most once a second and at stop; a start finds what it did not list yet', async () => {
    let now = NOW;
    const dir = tmp();
    const first = writer(dir, {}, { now: () => now });
    const indexText = () =>
      fs.readFileSync(
        path.join(
          dir,
          dataFiles(dir).find((f) => f.endsWith('.idx'))!,
        ),
        'utf8',
      );
    for (const i of [1, 2, 3]) {
      first.enqueue(record(i));
      await first.flushNow();
      now += 100;
    }
    expect(indexText()).toBe('');
    // Another process on the folder, as after a crash: the records are found in the data.
    const crashed = writer(dir, {}, { now: () => now });
    for (const i of [1, 2, 3]) expect((await crashed.read(record(i).file))!.requestId).toBe(record(i).requestId);
    now += 1000;
    first.enqueue(record(4));
    await first.flushNow();
    expect(
      indexText()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual([1, 2, 3, 4].map((i) => record(i).file).concat(''));
    first.enqueue(record(5));
    await first.flushNow();
    expect(indexText().split('\n')).toHaveLength(5);
    await first.stop();
    expect(indexText().split('\n')).toHaveLength(6);
  });

  it('redacts credential headers by name and secret-shaped text by pattern, in every part of the record', async () => {
    const dir = tmp();
    const installToken = 'ott_FAKEinstalltoken0123456789abcdefghij';
    const w = writer(dir, {}, { secrets: () => ['my-literal-api-key-123'] });
    w.addSecrets(() => [installToken, 'legacy-install-token-without-prefix']);
    w.enqueue(
      record(1, {
        note:
          `token ${FAKE_JWT} and __client=abcdefghijklmnop; ` +
          'key sk-ant-api03-FAKEFAKEFAKE and my-literal-api-key-123, ' +
          `the install token ${installToken}, an old one legacy-install-token-without-prefix, ` +
          'a session ots_FAKEsession0123456789abcdef, a code otc_FAKEcode0123456789abcdef, ' +
          'a generated key ot-FAKEgeneratedkey0123456789abcdefgh',
      }),
    );
    await w.flushNow();
    const text = dataFiles(dir)
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('');
    for (const secret of [
      FAKE_JWT,
      'abcdefghijklmnop',
      'sk-ant-api03-FAKEFAKEFAKE',
      'my-literal-api-key-123',
      'test-key-abcdef',
      installToken,
      'legacy-install-token-without-prefix',
      'ots_FAKEsession0123456789abcdef',
      'otc_FAKEcode0123456789abcdef',
      'ot-FAKEgeneratedkey0123456789abcdefgh',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted');
    expect(text).toContain('"content-type":"application/json"');
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

  it('catches cookies in JSON form and bearer tokens in prose, in any case', () => {
    expect(redactText('{"__session":"abc123xyz"}')).toBe('{"__session":"[redacted]"}');
    expect(redactText('__client_uat_abc=1700000000; x')).toBe('__client_uat_abc=[redacted]; x');
    expect(redactText('sent Bearer abcdefgh12345678 to it')).toBe('sent Bearer [redacted] to it');
    expect(redactText('sent BEARER abcdefgh12345678 to it')).toBe('sent BEARER [redacted] to it');
    expect(redactText(`jwt ${FAKE_JWT}.`)).toBe('jwt [redacted-jwt].');
    expect(redactText('plain words stay, otc_short too')).toBe('plain words stay, otc_short too');
  });
});

describe('DebugLogWriter in a burst', () => {
  it('keeps every one of 5,000 records enqueued at once, within its memory bound', async () => {
    const dir = tmp();
    const w = writer(dir, {}, { maxRecordsPerSecond: 5000 });
    const records = Array.from({ length: 5000 }, (_, i) => record(i));
    for (let i = 0; i < records.length; i++) expect(w.admit()).toBe(true);
    for (const r of records) w.enqueue(r, true);
    await w.flushNow();
    expect(w.written).toBe(5000);
    expect(w.dropped).toBe(0);
    for (const i of [0, 1234, 4999]) expect((await w.read(records[i]!.file))!.requestId).toBe(records[i]!.requestId);
  });

  it('refuses traces before collection once the waiting records reach their count or byte bound', async () => {
    const dir = tmp();
    const byCount = writer(dir, {}, { capacity: 2 });
    expect([byCount.admit(), byCount.admit(), byCount.admit()]).toEqual([true, true, false]);
    expect(byCount.dropped).toBe(1);
    byCount.enqueue(record(1), true);
    byCount.enqueue(record(2), true);
    await byCount.flushNow();
    expect([byCount.admit(), byCount.admit(), byCount.admit()]).toEqual([true, true, false]); // room again
    expect(byCount.dropped).toBe(2);

    const byBytes = writer(tmp(), {}, { maxPendingBytes: 4096 });
    let admitted = 0;
    while (byBytes.admit()) {
      byBytes.enqueue(record(admitted), true);
      admitted += 1;
    }
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThan(10);
    expect(byBytes.dropped).toBe(1);
  });

  it('keeps at most its rate of records a second, with a second banked, and counts the rest as dropped', async () => {
    let now = NOW;
    const w = writer(tmp(), {}, { maxRecordsPerSecond: 5, now: () => now });
    const admitted = Array.from({ length: 8 }, () => w.admit());
    expect(admitted).toEqual([true, true, true, true, true, false, false, false]);
    expect(w.dropped).toBe(3);
    now += 400; // two more records' worth
    expect([w.admit(), w.admit(), w.admit()]).toEqual([true, true, false]);
  });

  it('spends at most its share of CPU: once the banked time is spent, traces wait for the clock', async () => {
    let now = NOW;
    const w = writer(tmp(), {}, { cpuShare: 0.001, cpuBurstMs: 20, maxRecordsPerSecond: 1e9, now: () => now });
    // Spend the banked 20 ms: each flush charges the time its serialisation took.
    let refused = false;
    for (let round = 0; round < 1000 && !refused; round++) {
      for (let i = 0; i < 50 && !refused; i++) refused = !w.enqueue(record(i));
      await w.flushNow();
    }
    expect(refused).toBe(true);
    expect(w.dropped).toBe(1);
    expect(w.admit()).toBe(false);
    now += 60_000; // at 0.1%, a minute earns 60 ms
    expect(w.admit()).toBe(true);
  });
});
