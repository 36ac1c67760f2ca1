import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ActionDiscovery, ACTION_ID_TTL_MS } from '../../main/core/credits/action-discovery';
import type { CreditsFigure } from '../../main/core/credits/credits-reply';
import {
  CREDITS_ADDED_READ_MS,
  CREDITS_FIRST_SYNC_MS,
  CreditsSync,
  type CreditsSyncDeps,
} from '../../main/core/credits/credits-sync';
import { BROWSER_USER_AGENT } from '../../main/core/credits/site-http';
import { fakeAccount } from '../helpers/accounts';
import { until } from '../helpers/wait';
import { SIM_CLERK_QUERY } from '../sim/clerk';
import { OrchidsSimulator } from '../sim/orchids-simulator';

const FIGURE: CreditsFigure = { plan: 'PRO', credits: 10, monthlyLimit: 2_000_000 };

/** Reads that stay open until the test settles them, so how many run at once can be seen. */
function heldReads() {
  const open: Array<{ userId: string; settle: (figure?: CreditsFigure) => void }> = [];
  let most = 0;
  const read = (_jwt: string, userId: string): Promise<CreditsFigure> =>
    new Promise((resolve, reject) => {
      open.push({
        userId,
        settle: (figure) => (figure ? resolve(figure) : reject(new Error('the site answered HTTP 503'))),
      });
      most = Math.max(most, open.length);
    });
  const settleAll = (figure?: CreditsFigure): void => {
    for (const entry of open.splice(0)) entry.settle(figure);
  };
  return { read, open, settleAll, most: () => most };
}

function sync(overrides: Partial<CreditsSyncDeps>): { sync: CreditsSync; saved: number[]; logs: string[] } {
  const saved: number[] = [];
  const logs: string[] = [];
  const created = new CreditsSync({
    site: 'orchids.app',
    accounts: () => [],
    token: async () => 'header.payload.signature',
    read: async () => FIGURE,
    save: (id) => {
      saved.push(id);
      return true;
    },
    enabled: () => true,
    changed: () => {},
    log: (line) => logs.push(line),
    ...overrides,
  });
  syncs.push(created);
  return { sync: created, saved, logs };
}

let syncs: CreditsSync[] = [];
afterEach(() => {
  for (const s of syncs) s.stop();
  syncs = [];
});

describe('the credits sync', () => {
  it('reads at most two accounts at once, leaves disabled ones out and skips signed-out and locked ones', async () => {
    const reads = heldReads();
    const accounts = [
      ...[1, 2, 3, 4, 5].map((id) => fakeAccount(id)),
      fakeAccount(6, { enabled: false }),
      fakeAccount(7, { status: 'signed_out' }),
      fakeAccount(8, { status: 'locked' }),
    ];
    let changes = 0;
    const { sync: s, saved } = sync({ accounts: () => accounts, read: reads.read, changed: () => (changes += 1) });
    const pass = s.syncAll();
    expect(s.syncAll()).toBe(pass); // a second ask joins the pass running
    for (let left = 5; left > 0;) {
      await until(() => reads.open.length > 0);
      left -= reads.open.length;
      reads.settleAll(FIGURE);
    }
    expect(await pass).toEqual({
      outcomes: [
        ...[1, 2, 3, 4, 5].map((id) => ({ id, outcome: 'read' })),
        { id: 7, outcome: 'skipped', reason: 'signed out' },
        { id: 8, outcome: 'skipped', reason: 'locked' },
      ],
      changed: 5,
    });
    expect(reads.most()).toBe(2);
    expect(saved.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(changes).toBe(1); // one event for the pass, not one per account
  });

  it('a failed read saves nothing and logs the reason with the account id', async () => {
    const reads = heldReads();
    let changes = 0;
    const {
      sync: s,
      saved,
      logs,
    } = sync({
      accounts: () => [fakeAccount(3)],
      read: reads.read,
      changed: () => (changes += 1),
    });
    const pass = s.syncOne(3);
    await until(() => reads.open.length === 1);
    reads.settleAll();
    expect(await pass).toEqual({
      outcomes: [{ id: 3, outcome: 'failed', reason: 'the site answered HTTP 503' }],
      changed: 0,
    });
    expect(saved).toEqual([]);
    expect(changes).toBe(0);
    expect(logs).toEqual([
      '[credits] account 3: reading credits failed, keeping the last figure: the site answered HTTP 503',
    ]);
  });

  it('an account without a session token to hand is skipped, not read', async () => {
    let reads = 0;
    const { sync: s } = sync({
      accounts: () => [fakeAccount(1)],
      token: async () => undefined,
      read: async () => {
        reads += 1;
        return FIGURE;
      },
    });
    expect(await s.syncAll()).toEqual({
      outcomes: [{ id: 1, outcome: 'skipped', reason: 'no session token to hand' }],
      changed: 0,
    });
    expect(reads).toBe(0);
  });

  it('reads an account asked for by id even when signed out; an unchanged figure is read, not changed', async () => {
    let told = 0;
    const { sync: s, saved } = sync({
      accounts: () => [fakeAccount(4, { status: 'signed_out' })],
      save: () => false,
      changed: () => (told += 1),
    });
    expect(await s.syncOne(4)).toEqual({ outcomes: [{ id: 4, outcome: 'read' }], changed: 0 });
    expect(saved).toEqual([]);
    // Its reading time moved all the same, and the windows show that time.
    expect(told).toBe(1);
  });

  it('stopped mid-pass, a figure read after the stop is not saved and the accounts not reached say why', async () => {
    const reads = heldReads();
    const { sync: s, saved } = sync({
      accounts: () => [1, 2, 3].map((id) => fakeAccount(id)),
      read: reads.read,
      concurrency: 1,
    });
    const pass = s.syncAll();
    await until(() => reads.open.length === 1);
    s.stop();
    reads.settleAll(FIGURE);
    const stopping = { outcome: 'skipped', reason: 'the app was stopping' };
    expect(await pass).toEqual({
      outcomes: [1, 2, 3].map((id) => ({ id, ...stopping })),
      changed: 0,
    });
    expect(saved).toEqual([]);
  });

  it('switched off, a pass asks for no token and reads nothing', async () => {
    let asked = 0;
    const { sync: s } = sync({
      accounts: () => [fakeAccount(1)],
      enabled: () => false,
      token: async () => {
        asked += 1;
        return 'header.payload.signature';
      },
    });
    expect(await s.syncAll()).toEqual({ outcomes: [], changed: 0 });
    expect(asked).toBe(0);
  });
});

describe('finding the credits action on the site', () => {
  let sim: OrchidsSimulator | undefined;
  const agent = new Agent();
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  afterAll(() => agent.close());

  it('reads the page and chunks once, keeps the id six hours, prefers getUserProfile over getUsage', async () => {
    sim = await OrchidsSimulator.start();
    let now = 1_000_000;
    const discovery = new ActionDiscovery({
      siteUrl: sim.siteUrl,
      http: { dispatcher: () => agent, timeoutMs: 5_000 },
      now: () => now,
    });
    const [a, b] = await Promise.all([discovery.actionId(), discovery.actionId()]);
    expect(a).toBe(sim.siteActionId);
    expect(b).toBe(a);
    expect(sim.stats.sitePages).toBe(1);
    expect(sim.stats.siteChunks).toBe(3); // the page's three same-origin chunks; the CDN script is not fetched

    now += ACTION_ID_TTL_MS - 1;
    expect(await discovery.actionId()).toBe(a);
    expect(sim.stats.sitePages).toBe(1);

    sim.redeploySite();
    now += 1;
    expect(await discovery.actionId()).toBe(sim.siteActionId);
    expect(sim.stats.sitePages).toBe(2);
  });

  it('reads the page and chunks as the browser the action call names (Chrome 144)', async () => {
    const seen: Array<[string, string]> = [];
    const id = 'ab'.repeat(21);
    const server = http.createServer((req, res) => {
      seen.push([req.url ?? '', req.headers['user-agent'] ?? '']);
      if (req.url === '/') return res.end('<script src="/_next/static/chunks/page.js"></script>');
      res.end(`(0,n.createServerReference)("${id}",n.callServer,void 0,n.findSourceMapURL,"getUserProfile")`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const discovery = new ActionDiscovery({
        siteUrl: `http://127.0.0.1:${port}`,
        http: { dispatcher: () => agent, timeoutMs: 5_000 },
      });
      expect(await discovery.actionId()).toBe(id);
      expect(seen).toEqual([
        ['/', BROWSER_USER_AGENT],
        ['/_next/static/chunks/page.js', BROWSER_USER_AGENT],
      ]);
      expect(BROWSER_USER_AGENT).toMatch(/ Chrome\/144\.0\.0\.0 Safari\/537\.36$/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says why when the site has no such action', async () => {
    sim = await OrchidsSimulator.start();
    const discovery = new ActionDiscovery({
      siteUrl: `${sim.siteUrl}/nowhere`,
      http: { dispatcher: () => agent, timeoutMs: 5_000 },
    });
    await expect(discovery.actionId()).rejects.toThrow("the site's home page answered HTTP 404");
  });
});

describe("the simulator's site, driven through its control API", () => {
  let sim: OrchidsSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  const control = (path: string, body?: unknown) =>
    fetch(`${sim!.controlUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json());
  /** The session token Clerk offers for the cookie, as the app would send it to the site. */
  const sessionJwtOf = async (clientCookie: string): Promise<string> => {
    const lookup = (await (
      await fetch(`${sim!.clerkUrl}/v1/client?${SIM_CLERK_QUERY}`, { headers: { cookie: `__client=${clientCookie}` } })
    ).json()) as { response: { sessions: Array<{ last_active_token: { jwt: string } }> } };
    return lookup.response.sessions[0]!.last_active_token.jwt;
  };

  it('sets a user’s credits, scripts a reply, redeploys, and lists the calls it saw', async () => {
    sim = await OrchidsSimulator.start();
    const user = sim.addUser();
    const jwt = await sessionJwtOf(user.clientCookie);
    const action = (id: string) =>
      fetch(`${sim!.siteUrl}/`, {
        method: 'POST',
        headers: { 'next-action': id, cookie: `__session=${jwt}`, 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify([user.userId]),
      });

    expect(await control('/credits', { userId: user.userId, plan: 'MAX', credits: 5 })).toEqual({ ok: true });
    expect(await (await action(sim.siteActionId)).text()).toContain('"plan":"MAX","credits":5');
    await control('/site-reply', { body: 'not rsc', status: 502 });
    const scripted = await action(sim.siteActionId);
    expect([scripted.status, await scripted.text()]).toEqual([502, 'not rsc']);
    const oldId = sim.siteActionId;
    await control('/site-redeploy', {});
    const stale = await action(oldId);
    expect([stale.status, stale.headers.get('x-nextjs-action-not-found')]).toEqual([404, '1']);
    const calls = (await control('/site-calls')) as Array<{ outcome: string; sessionUser: string }>;
    expect(calls.map((c) => [c.outcome, c.sessionUser])).toEqual([
      ['ok', user.userId],
      ['scripted', user.userId],
      ['not-found', user.userId],
    ]);
  });

  // Next.js refuses an action call from another origin, and decodes a form-typed body as a form action.
  it('refuses an action call whose Origin names another host or whose body is not text/plain', async () => {
    sim = await OrchidsSimulator.start();
    const user = sim.addUser();
    const jwt = await sessionJwtOf(user.clientCookie);
    const action = (headers: Record<string, string>) =>
      fetch(`${sim!.siteUrl}/`, {
        method: 'POST',
        headers: { 'next-action': sim!.siteActionId, cookie: `__session=${jwt}`, ...headers },
        body: JSON.stringify([user.userId]),
      });
    const plain = { 'content-type': 'text/plain;charset=UTF-8' };
    for (const headers of [
      { ...plain, origin: 'https://elsewhere.example.test' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
    ]) {
      const refused = await action(headers);
      expect([refused.status, await refused.text()], JSON.stringify(headers)).toEqual([
        500,
        'Invalid Server Actions request.',
      ]);
    }
    const answered = await action({ ...plain, origin: sim.siteUrl });
    expect([answered.status, await answered.text()]).toEqual([200, expect.stringContaining('"credits":150000')]);
    const calls = (await control('/site-calls')) as Array<{ outcome: string }>;
    expect(calls.map((c) => c.outcome)).toEqual(['refused', 'refused', 'refused', 'ok']);
  });

  it('needs the router state when told to: a digest 500 without it, the credits with tree and deployment', async () => {
    sim = await OrchidsSimulator.start();
    const user = sim.addUser();
    const jwt = await sessionJwtOf(user.clientCookie);
    const action = (headers: Record<string, string> = {}) =>
      fetch(`${sim!.siteUrl}/`, {
        method: 'POST',
        headers: { 'next-action': sim!.siteActionId, cookie: `__session=${jwt}`, ...headers },
        body: JSON.stringify([user.userId]),
      });

    expect(await control('/site-router-state', { required: true })).toEqual({ ok: true });
    const refused = await action();
    expect([refused.status, await refused.text()]).toEqual([
      500,
      expect.stringContaining('1:E{"digest":"2110345482"}'),
    ]);
    const prefetch = await fetch(`${sim.siteUrl}/`, { headers: { rsc: '1', 'next-router-prefetch': '1' } });
    const rootRow = (await prefetch.text()).split('\n').find((line) => line.startsWith('0:'))!;
    const root = JSON.parse(rootRow.slice(2)) as { f: unknown[][] };
    const page = await (await fetch(`${sim.siteUrl}/`)).text();
    const expected = (await control('/site-router-state')) as { tree: string; deploymentId: string };
    expect(JSON.stringify(root.f[0]![0])).toBe(expected.tree); // where Next.js 15 puts it
    expect(page).toContain(expected.deploymentId);
    const answered = await action({
      'next-router-state-tree': expected.tree,
      'x-deployment-id': expected.deploymentId,
    });
    expect([answered.status, await answered.text()]).toEqual([200, expect.stringContaining('"credits":150000')]);

    await control('/site-router-tree', {});
    const changed = (await control('/site-router-state')) as { tree: string; deploymentId: string };
    expect(changed.tree).not.toBe(expected.tree);
    expect(changed.deploymentId).toBe(expected.deploymentId);
    const stale = await action({ 'next-router-state-tree': expected.tree, 'x-deployment-id': expected.deploymentId });
    expect(stale.status).toBe(500);
    await control('/site-router-state', { required: false });
    expect((await action()).status).toBe(200);
    expect(((await control('/site-calls')) as Array<{ outcome: string }>).map((c) => c.outcome)).toEqual([
      'needs-router-state',
      'ok',
      'needs-router-state',
      'ok',
    ]);
  });
});

describe('a newly added account', () => {
  it('is read once after its delay, unless a pass runs by then, and never after stop', async () => {
    const accounts = [fakeAccount(1), fakeAccount(2), fakeAccount(3)];
    const { sync: s, saved } = sync({
      accounts: () => accounts,
      firstSyncMs: 30,
      addedReadMs: 30,
      intervalMs: 3_600_000,
    });
    s.start();
    s.accountsAdded([1]); // the first pass, due as soon, reads it: no read of its own
    await until(() => saved.length >= 3, { what: 'the first pass' });
    expect(saved.sort()).toEqual([1, 2, 3]);
    s.accountsAdded([2]);
    await until(() => saved.length >= 4, { what: 'the new account read' });
    expect(saved.slice(3)).toEqual([2]);
    s.accountsAdded([3]);
    s.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(saved).toHaveLength(4);
  });

  describe('on the clock (fake timers)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    // The sync's timers and its clock, faked together; a held read's settling still needs the microtasks run.
    const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

    it('is read after its own short delay, not the first pass’s, and is "reading" until its figure is in', async () => {
      fakeClock();
      expect(CREDITS_ADDED_READ_MS).toBeLessThanOrEqual(2_000);
      expect(CREDITS_ADDED_READ_MS).toBeLessThan(CREDITS_FIRST_SYNC_MS);
      const reads = heldReads();
      let told = 0;
      const { sync: s, saved } = sync({
        accounts: () => [fakeAccount(1), fakeAccount(2)],
        read: reads.read,
        changed: () => (told += 1),
      });
      s.start();
      s.accountsAdded([2]);
      expect([s.isReading(1), s.isReading(2)]).toEqual([false, true]);
      await vi.advanceTimersByTimeAsync(CREDITS_ADDED_READ_MS - 1);
      expect(reads.open).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(reads.open.map((r) => r.userId)).toEqual([fakeAccount(2).userId]);
      expect(s.isReading(2)).toBe(true); // asked, not answered yet
      reads.settleAll(FIGURE);
      await vi.advanceTimersByTimeAsync(0);
      expect(saved).toEqual([2]);
      expect(s.isReading(2)).toBe(false);
      expect(told).toBe(1);
    });

    it('a first read that fails stops "reading" and tells the windows, so the cell shows its dash again', async () => {
      fakeClock();
      const reads = heldReads();
      let told = 0;
      const {
        sync: s,
        saved,
        logs,
      } = sync({
        accounts: () => [fakeAccount(5)],
        read: reads.read,
        changed: () => (told += 1),
      });
      s.accountsAdded([5]);
      await vi.advanceTimersByTimeAsync(CREDITS_ADDED_READ_MS);
      reads.settleAll();
      await vi.advanceTimersByTimeAsync(0);
      expect(saved).toEqual([]);
      expect(s.isReading(5)).toBe(false);
      expect(told).toBe(1);
      expect(logs).toEqual([
        '[credits] account 5: reading credits failed, keeping the last figure: the site answered HTTP 503',
      ]);
    });

    it('an account removed before its read is not asked for and is not left "reading"', async () => {
      fakeClock();
      let asked = 0;
      const { sync: s } = sync({
        accounts: () => [],
        token: async () => {
          asked += 1;
          return 'header.payload.signature';
        },
      });
      s.accountsAdded([9]);
      await vi.advanceTimersByTimeAsync(CREDITS_ADDED_READ_MS);
      expect(asked).toBe(0);
      expect(s.isReading(9)).toBe(false);
    });

    it('an import of many is one read in two lanes after the short delay', async () => {
      fakeClock();
      const reads = heldReads();
      const accounts = [1, 2, 3, 4, 5, 6].map((id) => fakeAccount(id));
      const { sync: s, saved } = sync({ accounts: () => accounts, read: reads.read });
      s.accountsAdded([1, 2, 3, 4, 5, 6]);
      await vi.advanceTimersByTimeAsync(CREDITS_ADDED_READ_MS);
      for (let round = 0; round < 3; round++) {
        expect(reads.open).toHaveLength(2);
        reads.settleAll(FIGURE);
        await vi.advanceTimersByTimeAsync(0);
      }
      expect(saved.sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(reads.most()).toBe(2);
      expect(accounts.some((a) => s.isReading(a.id))).toBe(false);
    });

    it('switched off, an added account is neither marked "reading" nor read', async () => {
      fakeClock();
      let asked = 0;
      const { sync: s } = sync({
        accounts: () => [fakeAccount(1)],
        enabled: () => false,
        token: async () => {
          asked += 1;
          return 'header.payload.signature';
        },
      });
      s.accountsAdded([1]);
      expect(s.isReading(1)).toBe(false);
      await vi.advanceTimersByTimeAsync(CREDITS_FIRST_SYNC_MS);
      expect(asked).toBe(0);
    });

    it('switched off after the add, the account no longer reads as "reading"', async () => {
      // The read it waited for is not sent while off, so "Reading…" would otherwise stay until something else ran.
      fakeClock();
      let on = true;
      const { sync: s } = sync({ accounts: () => [fakeAccount(1)], enabled: () => on, firstSyncMs: 500 });
      s.start();
      s.accountsAdded([1]);
      expect(s.isReading(1)).toBe(true);
      on = false;
      expect(s.isReading(1)).toBe(false);
    });

    it('left to the first pass when that is due sooner, and "reading" until that pass is done', async () => {
      fakeClock();
      const reads = heldReads();
      const { sync: s } = sync({ accounts: () => [fakeAccount(1)], read: reads.read, firstSyncMs: 500 });
      s.start();
      s.accountsAdded([1]);
      await vi.advanceTimersByTimeAsync(500);
      expect(reads.open).toHaveLength(1);
      expect(s.isReading(1)).toBe(true);
      reads.settleAll(FIGURE);
      await vi.advanceTimersByTimeAsync(CREDITS_ADDED_READ_MS);
      expect(reads.open).toHaveLength(0); // no second read of its own
      expect(s.isReading(1)).toBe(false);
    });
  });
});
