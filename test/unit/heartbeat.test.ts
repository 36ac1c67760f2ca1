import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, type Beating } from '../../main/core/proxy/heartbeat';

const INTERVAL_MS = 400; // the ticker runs every 100 ms (a quarter of the interval)

function stream(lastWriteAt: number): Beating & { pings: number } {
  const beating = {
    lastWriteAt,
    heartbeatSlot: -1,
    pings: 0,
    ping() {
      beating.pings += 1;
      beating.lastWriteAt = Date.now();
    },
  };
  return beating;
}

describe('Heartbeat', () => {
  let heartbeat: Heartbeat;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    heartbeat = new Heartbeat(() => INTERVAL_MS);
  });

  afterEach(() => {
    heartbeat.stop();
    vi.useRealTimers();
  });

  it('pings a stream once it has been quiet for the interval, and not before', () => {
    const quiet = stream(Date.now());
    heartbeat.add(quiet);
    vi.advanceTimersByTime(300);
    expect(quiet.pings).toBe(0);
    vi.advanceTimersByTime(100);
    expect(quiet.pings).toBe(1);
  });

  it('does not ping a stream that keeps writing', () => {
    const busy = stream(Date.now());
    heartbeat.add(busy);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(100);
      busy.lastWriteAt = Date.now();
    }
    expect(busy.pings).toBe(0);
  });

  it('stops pinging a removed stream and keeps pinging the others, whichever slot was removed', () => {
    const streams = [stream(0), stream(0), stream(0), stream(0)];
    for (const s of streams) heartbeat.add(s);
    heartbeat.delete(streams[1]!);
    heartbeat.delete(streams[0]!);
    expect(heartbeat.size).toBe(2);
    vi.advanceTimersByTime(100);
    expect(streams.map((s) => s.pings)).toEqual([0, 0, 1, 1]);
    expect(streams.map((s) => s.heartbeatSlot >= 0)).toEqual([false, false, true, true]);
  });

  it('treats a second add or delete of the same stream as nothing', () => {
    const a = stream(0);
    const b = stream(0);
    heartbeat.add(a);
    heartbeat.add(a);
    heartbeat.add(b);
    expect(heartbeat.size).toBe(2);
    heartbeat.delete(a);
    heartbeat.delete(a);
    expect(heartbeat.size).toBe(1);
    vi.advanceTimersByTime(100);
    expect([a.pings, b.pings]).toEqual([0, 1]);
  });

  it('survives a stream that leaves during its own ping', () => {
    const leaving = stream(0);
    leaving.ping = () => {
      leaving.pings += 1;
      heartbeat.delete(leaving);
    };
    const staying = [stream(0), stream(0)];
    heartbeat.add(staying[0]!);
    heartbeat.add(leaving);
    heartbeat.add(staying[1]!);
    vi.advanceTimersByTime(100);
    expect([leaving.pings, staying[0]!.pings, staying[1]!.pings]).toEqual([1, 1, 1]);
    expect(heartbeat.size).toBe(2);
  });

  it('lets go of every stream on stop, and a stopped stream can be added again', () => {
    const a = stream(0);
    heartbeat.add(a);
    heartbeat.stop();
    expect(a.heartbeatSlot).toBe(-1);
    heartbeat.add(a);
    expect(heartbeat.size).toBe(1);
    vi.advanceTimersByTime(100);
    expect(a.pings).toBe(1);
  });
});
