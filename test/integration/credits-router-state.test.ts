import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeCreditsCheck } from '../../contract/credits';
import { ActionDiscovery } from '../../main/core/credits/action-discovery';
import { CreditsReader } from '../../main/core/credits/credits-reader';
import { RouterStateSource, ROUTER_STATE_MIN_AGE_MS } from '../../main/core/credits/router-state';
import { startStack, type Stack } from '../helpers/stack';
import { SIM_CLERK_QUERY } from '../sim/clerk';
import { OrchidsSimulator, type SimUser } from '../sim/orchids-simulator';

/**
 * The credits action's router-state retry (protocol page 4.1), against the simulator's site set to answer the action
 * only when the page's router state tree and deployment id come with it, over real HTTP on loopback.
 */

const agent = new Agent();
afterAll(() => agent.close());

let sims: OrchidsSimulator[] = [];
let stacks: Stack[] = [];
afterEach(async () => {
  for (const stack of stacks) await stack.stop();
  for (const sim of sims) await sim.close();
  stacks = [];
  sims = [];
});

/** A reader as the app builds one (credits/index.ts), with a clock the test moves. */
async function reader() {
  const sim = await OrchidsSimulator.start();
  sims.push(sim);
  const clock = { now: 1_000_000 };
  const http = { dispatcher: () => agent, timeoutMs: 5_000 };
  const discovery = new ActionDiscovery({ siteUrl: sim.siteUrl, http, now: () => clock.now });
  const routerState = new RouterStateSource({ siteUrl: sim.siteUrl, http, now: () => clock.now });
  const read = new CreditsReader({ siteUrl: sim.siteUrl, http, discovery, routerState });
  const user = sim.addUser();
  const jwt = await sessionJwt(sim, user);
  return { sim, clock, read: () => read.read(jwt, user.userId), user };
}

/** The session JWT Clerk offers for the user's cookie, as the app's token cache would hold it. */
async function sessionJwt(sim: OrchidsSimulator, user: SimUser): Promise<string> {
  const lookup = await fetch(`${sim.clerkUrl}/v1/client?${SIM_CLERK_QUERY}`, {
    headers: { cookie: `__client=${user.clientCookie}` },
  });
  const body = (await lookup.json()) as { response: { sessions: Array<{ last_active_token: { jwt: string } }> } };
  return body.response.sessions[0]!.last_active_token.jwt;
}

/** What each action call carried and how the site answered it, from the `from`th call on. */
function calls(sim: OrchidsSimulator, from = 0) {
  const { tree, deploymentId } = sim.siteRouterState;
  return sim.siteCalls.slice(from).map((c) => {
    const carried = c.routerStateTree === '' ? 'none' : c.routerStateTree === tree ? 'current' : 'stale';
    const deployment = c.deploymentId === '' ? 'none' : c.deploymentId === deploymentId ? 'current' : 'stale';
    return `${c.outcome}: tree ${carried}, deployment ${deployment}`;
  });
}

describe('the router-state retry', () => {
  it('reads a site that needs the router state after a retry with it, then sends it with the first call', async () => {
    const { sim, read, user } = await reader();
    sim.requireSiteRouterState(true);
    sim.setCredits(user.userId, { plan: 'PRO', credits: 96_571 });

    expect(await read()).toEqual({ plan: 'PRO', credits: 96_571, monthlyLimit: 2_000_000 });
    expect(calls(sim)).toEqual([
      'needs-router-state: tree none, deployment none',
      'ok: tree current, deployment current',
    ]);
    expect(sim.stats.sitePrefetches).toBe(1);
    expect(sim.stats.sitePages).toBe(2); // the action's discovery, then the deployment id

    // Later reads: the kept state goes with the first call; nothing is read from the site again.
    for (let i = 0; i < 2; i++) expect(await read()).toMatchObject({ credits: 96_571 });
    expect(calls(sim, 2)).toEqual(['ok: tree current, deployment current', 'ok: tree current, deployment current']);
    expect(sim.stats.sitePrefetches).toBe(1);
    expect(sim.stats.sitePages).toBe(2);
  });

  it('reads the state again when a call with it fails, but not while it is moments old', async () => {
    const { sim, clock, read } = await reader();
    sim.requireSiteRouterState(true);
    await read();
    sim.changeSiteRouterTree();

    // Read seconds ago: the site would give the same, so the failure is told, not chased.
    await expect(read()).rejects.toThrow(/^the site answered HTTP 500 with its router state$/);
    expect(sim.stats.sitePrefetches).toBe(1);

    clock.now += ROUTER_STATE_MIN_AGE_MS;
    expect(await read()).toMatchObject({ plan: 'FREE' });
    expect(calls(sim, 3)).toEqual([
      'needs-router-state: tree stale, deployment current',
      'ok: tree current, deployment current',
    ]);
    expect(sim.stats.sitePrefetches).toBe(2);
    await read();
    expect(calls(sim, 5)).toEqual(['ok: tree current, deployment current']);
  });

  it('after a redeploy finds the new action id, then the new deployment id', async () => {
    const { sim, clock, read } = await reader();
    sim.requireSiteRouterState(true);
    await read();
    const before = sim.siteCalls.length;
    sim.redeploySite();
    clock.now += ROUTER_STATE_MIN_AGE_MS;

    expect(await read()).toMatchObject({ plan: 'FREE' });
    expect(sim.siteCalls.slice(before).map((c) => c.outcome)).toEqual(['not-found', 'needs-router-state', 'ok']);
    expect(calls(sim, before + 1)).toEqual([
      'needs-router-state: tree current, deployment stale',
      'ok: tree current, deployment current',
    ]);
    expect(sim.stats.sitePrefetches).toBe(2);
  });

  it('does not retry a refused session; a site that never needed the state is never asked for it', async () => {
    const { sim, read } = await reader();
    expect(await read()).toMatchObject({ plan: 'FREE' });
    sim.scriptSiteReply('Forbidden', 403);
    await expect(read()).rejects.toThrow(/^the site refused the session \(HTTP 403\)$/);
    expect(calls(sim)).toEqual(['ok: tree none, deployment none', 'scripted: tree none, deployment none']);
    expect(sim.stats.sitePrefetches).toBe(0);
  });

  it('a failure both ways says what each call got', async () => {
    const { sim, read, user } = await reader();
    sim.requireSiteRouterState(true);
    sim.setCredits(user.userId, { plan: 'PRO', credits: -1 }); // not a figure: the reply reads as none
    await expect(read()).rejects.toThrow(
      /^the site answered HTTP 500 without its router state, and the reply held no credits figure with it$/,
    );
    sim.requireSiteRouterState(false);
    sim.scriptSiteReply('Internal Server Error', 502);
    sim.scriptSiteReply('Internal Server Error', 502);
    await expect(read()).rejects.toThrow(/^the site answered HTTP 502, with and without its router state$/);
  });
});

describe('reading the router state', () => {
  it('says why when the prefetch fails, and reads again on the next ask', async () => {
    const sim = await OrchidsSimulator.start();
    sims.push(sim);
    const source = new RouterStateSource({
      siteUrl: `${sim.siteUrl}/nowhere`,
      http: { dispatcher: () => agent, timeoutMs: 5_000 },
    });
    await expect(source.get()).rejects.toThrow(/^its router state prefetch answered HTTP 404$/);
    await expect(source.get()).rejects.toThrow(/HTTP 404/);
    expect(source.kept()).toBeUndefined();
  });
});

describe('a credits check against a site that needs the router state', () => {
  it('reads the accounts it can, says why per account for one it cannot, and reuses the state next pass', async () => {
    const s = await startStack({ accounts: 2, core: { creditsTiming: { firstSyncMs: 3_600_000 } } });
    stacks.push(s);
    const [broken, fine] = s.accountIds as [number, number];
    s.sim.requireSiteRouterState(true);
    s.sim.setCredits(s.users[0]!.userId, { plan: 'PRO', credits: -1 });
    s.sim.setCredits(s.users[1]!.userId, { plan: 'MAX', credits: 29_000_000 });

    const first = await s.core.accounts.checkCredits();
    const reason = 'the site answered HTTP 500 without its router state, and the reply held no credits figure with it';
    expect(first.outcomes).toEqual([
      { id: broken, outcome: 'failed', reason },
      { id: fine, outcome: 'read' },
    ]);
    expect(s.core.accounts.get(fine).credits).toMatchObject({ plan: 'MAX', left: 29_000_000 });
    expect(s.core.accounts.get(broken).credits).toBeNull();
    expect(s.logs).toContain(`[credits] account ${broken}: reading credits failed, keeping the last figure: ${reason}`);
    const host = new URL(s.sim.siteUrl).host;
    expect(first.site).toBe(host);
    expect(describeCreditsCheck(first)).toBe(
      `Read the credits of 1 of 2 accounts; not read: Account 1 (${reason}). Its last figure stays.`,
    );

    const prefetches = s.sim.stats.sitePrefetches;
    expect(prefetches).toBe(1);
    const before = s.sim.siteCalls.length;
    const second = await s.core.accounts.checkCredits(fine);
    expect(second.outcomes).toEqual([{ id: fine, outcome: 'read' }]);
    expect(describeCreditsCheck(second)).toBe(`Read the credits of 1 account from ${host}.`);
    expect(calls(s.sim, before)).toEqual(['ok: tree current, deployment current']);
    expect(s.sim.stats.sitePrefetches).toBe(prefetches);
  });
});
