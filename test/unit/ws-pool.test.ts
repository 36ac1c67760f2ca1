import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PooledSocket } from '../../main/core/upstream/ws/pooled-socket';
import { endsTurn } from '../../main/core/upstream/ws/turn-end';
import { TOKEN_REUSE_MARGIN_MS, WsPool } from '../../main/core/upstream/ws/ws-pool';

const URL_A = 'wss://agent.example.test/ws';
const URL_B = 'wss://other-agent.example.test/ws';

/** What the pool reads of a socket; `closed` records that the pool retired it. */
function fakeSocket(accountId: number, tokenExpiresAt: number | undefined, url = URL_A) {
  const socket = {
    accountId,
    url,
    tokenExpiresAt,
    isOpen: true,
    closed: false,
    close() {
      socket.closed = true;
      socket.isOpen = false;
    },
  };
  return socket;
}
const asPooled = (socket: ReturnType<typeof fakeSocket>) => socket as unknown as PooledSocket;

afterEach(() => {
  vi.useRealTimers();
});

describe('WsPool', () => {
  it('hands out the most recently released socket of the account, and none of another account', () => {
    const pool = new WsPool({ now: () => 0, poolSize: () => 4 });
    const first = fakeSocket(1, undefined);
    const second = fakeSocket(1, undefined);
    pool.release(asPooled(first), URL_A);
    pool.release(asPooled(second), URL_A);
    expect(pool.take(2, URL_A)).toBeUndefined();
    expect(pool.take(1, URL_A)).toBe(second);
    expect(pool.take(1, URL_A)).toBe(first);
    expect(pool.take(1, URL_A)).toBeUndefined();
    expect(pool.stats).toMatchObject({ reuses: 2, idle: 0 });
  });

  it('closes a released socket beyond poolSize', () => {
    let size = 2;
    const pool = new WsPool({ now: () => 0, poolSize: () => size });
    const sockets = [fakeSocket(1, undefined), fakeSocket(1, undefined), fakeSocket(1, undefined)];
    for (const socket of sockets) pool.release(asPooled(socket), URL_A);
    expect(sockets.map((s) => s.closed)).toEqual([false, false, true]);
    size = 0;
    const extra = fakeSocket(2, undefined);
    pool.release(asPooled(extra), URL_A);
    expect(extra.closed).toBe(true);
    expect(pool.stats.idle).toBe(2);
  });

  it('retires sockets dialled to a URL that is no longer the setting', () => {
    const pool = new WsPool({ now: () => 0, poolSize: () => 4 });
    const old = fakeSocket(1, undefined, URL_A);
    pool.release(asPooled(old), URL_A);
    expect(pool.take(1, URL_B)).toBeUndefined();
    expect(old.closed).toBe(true);
    const returning = fakeSocket(1, undefined, URL_A);
    pool.release(asPooled(returning), URL_B);
    expect(returning.closed).toBe(true);
    expect(pool.stats.idle).toBe(0);
  });

  it('reuses a socket only while its token has more than the margin left', () => {
    let now = 1_000_000;
    const pool = new WsPool({ now: () => now, poolSize: () => 4 });
    const socket = fakeSocket(1, now + TOKEN_REUSE_MARGIN_MS + 5_000);
    pool.release(asPooled(socket), URL_A);
    expect(pool.take(1, URL_A)).toBe(socket);
    pool.release(asPooled(socket), URL_A);
    now += 5_000;
    expect(pool.take(1, URL_A)).toBeUndefined();
    expect(socket.closed).toBe(true);
  });

  it('forgets a socket that closed while idle', () => {
    const pool = new WsPool({ now: () => 0, poolSize: () => 4 });
    const socket = fakeSocket(1, undefined);
    pool.opened();
    pool.release(asPooled(socket), URL_A);
    pool.closed(asPooled(socket));
    expect(pool.stats).toMatchObject({ open: 0, idle: 0 });
    expect(pool.take(1, URL_A)).toBeUndefined();
  });

  it('closes idle sockets whose token lapsed without waiting for their next use', () => {
    vi.useFakeTimers();
    let now = 0;
    const pool = new WsPool({ now: () => now, poolSize: () => 4 });
    const shortLived = fakeSocket(1, TOKEN_REUSE_MARGIN_MS + 10_000);
    const longLived = fakeSocket(1, 3_600_000);
    pool.release(asPooled(shortLived), URL_A);
    pool.release(asPooled(longLived), URL_A);
    now = 20_000;
    vi.advanceTimersByTime(20_000);
    expect(shortLived.closed).toBe(true);
    expect(longLived.closed).toBe(false);
    expect(pool.stats.idle).toBe(1);
    expect(pool.take(1, URL_A)).toBe(longLived);
  });

  it('close() closes idle sockets and keeps none afterwards', () => {
    const pool = new WsPool({ now: () => 0, poolSize: () => 4 });
    const idle = fakeSocket(1, undefined);
    pool.release(asPooled(idle), URL_A);
    pool.close();
    const busy = fakeSocket(1, undefined);
    pool.release(asPooled(busy), URL_A);
    expect([idle.closed, busy.closed]).toEqual([true, true]);
    expect(pool.stats.idle).toBe(0);
  });
});

describe('endsTurn', () => {
  it.each([
    [{ type: 'error', data: { code: 'x', message: 'y' } }, true],
    [{ type: 'error', code: 'x' }, true],
    [{ type: 'model', event: { data: { type: 'finish', stop_reason: 'stop' } } }, true],
    [{ type: 'model', event: { type: 'finish', finishReason: 'stop' } }, true],
    [{ type: 'model', event: { data: { type: 'text-delta', delta: 'finish' } } }, false],
    [{ type: 'model', event: null }, false],
    [{ type: 'model' }, false],
    [{ type: 'connected' }, false],
    [{ type: 'finish' }, false],
    ['finish', false],
    [null, false],
    [[{ type: 'error' }], false],
  ])('%j → %s', (value, expected) => {
    expect(endsTurn(value)).toBe(expected);
  });
});
