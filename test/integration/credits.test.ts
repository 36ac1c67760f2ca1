import fs from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../contract/api';
import { describeCreditsCheck } from '../../contract/credits';
import type { CreditsCheckResult } from '../../contract/account-views';
import { cliOk } from '../helpers/cli';
import { attachAppControl } from '../../main/core/control/app-control';
import type { CoreEvent } from '../../main/core/events/types';
import { simEnv } from '../helpers/sim-env';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import { CREDITS_ADDED_READ_MS } from '../../main/core/credits/credits-sync';

let stacks: Stack[] = [];
afterEach(async () => {
  for (const stack of stacks) await stack.stop();
  stacks = [];
});

/** A stack whose timer never fires during a test unless asked: passes run on demand. */
async function stack(options: Parameters<typeof startStack>[0] = {}): Promise<Stack> {
  const started = await startStack({
    ...options,
    core: { creditsTiming: { firstSyncMs: 3_600_000 }, ...options.core },
  });
  stacks.push(started);
  return started;
}

function credits(s: Stack, id: number) {
  return s.core.accounts.get(id).credits;
}

/** No session JWT (fake ones start like real ones, `eyJ`), no cookie value, in any log line. */
function expectNoSecretsLogged(s: Stack): void {
  for (const line of s.logs) {
    expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}/);
    expect(line).not.toContain('__session');
    for (const user of s.users) expect(line).not.toContain(user.clientCookie);
  }
}

describe('credits from orchids.app', () => {
  it('a pasted account shows "reading", then its figure within the short delay, with no pass of its own', async () => {
    const s = await stack({
      accounts: 0,
      core: { creditsTiming: { firstSyncMs: 3_600_000, addedReadMs: CREDITS_ADDED_READ_MS } },
    });
    const user = s.sim.addUser();
    s.sim.setCredits(user.userId, { plan: 'PRO', credits: 4_321 });
    const added = Date.now();
    const { account } = await s.core.accounts.add({ cookie: user.clientCookie, name: 'Pasted' });
    expect(account).toMatchObject({ credits: null, creditsReading: true });
    expect(s.core.accounts.get(account.id).creditsReading).toBe(true);
    await until(() => s.core.accounts.get(account.id).credits !== null, {
      timeoutMs: CREDITS_ADDED_READ_MS + 3_000,
      what: 'the pasted account’s figure',
    });
    const elapsed = Date.now() - added;
    expect(elapsed).toBeGreaterThanOrEqual(CREDITS_ADDED_READ_MS - 50);
    expect(elapsed).toBeLessThan(CREDITS_ADDED_READ_MS + 3_000);
    const view = s.core.accounts.get(account.id);
    expect(view.credits).toMatchObject({ plan: 'PRO', left: 4_321 });
    expect(view.creditsReading).toBeUndefined();
    // One read, of the pasted account, with no pass of its own: the pass an hour away is still an hour away.
    expect(s.sim.siteCalls.map((c) => c.sessionUser)).toEqual([user.userId]);
  });

  it('switched off, a pasted account is not marked "reading" and nothing is sent to the site', async () => {
    const s = await stack({
      accounts: 0,
      core: { creditsTiming: { firstSyncMs: 3_600_000, addedReadMs: 50 } },
    });
    s.core.settings.set('creditsSync', false);
    const user = s.sim.addUser();
    const { account } = await s.core.accounts.add({ cookie: user.clientCookie, name: 'Pasted' });
    expect(account.creditsReading).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.sim.siteCalls).toEqual([]);
    expect(s.core.accounts.get(account.id).credits).toBeNull();
  });

  it('finds the action once, reads each account with its own session, keeps the figures across a restart', async () => {
    const s = await stack({ accounts: 2 });
    const [first, second] = s.accountIds as [number, number];
    s.sim.setCredits(s.users[0]!.userId, { plan: 'PRO', credits: 96_571 });
    expect(credits(s, first)).toBeNull();
    const events: CoreEvent[] = [];
    s.core.subscribe((batch) => events.push(...batch));

    const before = Date.now();
    const { accounts: listed, outcomes } = await s.core.accounts.checkCredits();
    expect(outcomes).toEqual([
      { id: first, outcome: 'read' },
      { id: second, outcome: 'read' },
    ]);
    expect(listed.map((a) => a.credits && { plan: a.credits.plan, left: a.credits.left })).toEqual([
      { plan: 'PRO', left: 96_571 },
      { plan: 'FREE', left: 150_000 },
    ]);
    expect(credits(s, first)).toMatchObject({ monthlyLimit: 2_000_000 });
    expect(credits(s, second)).toMatchObject({ monthlyLimit: 150_000 });
    expect(credits(s, first)!.checkedAt).toBeGreaterThanOrEqual(before);
    // One discovery shared by both reads; one action call per account, made as the site's own page makes it.
    expect(s.sim.stats.sitePages).toBe(1);
    expect(s.sim.siteCalls.map((c) => [c.outcome, c.sessionUser, c.body])).toEqual(
      expect.arrayContaining([
        ['ok', s.users[0]!.userId, JSON.stringify([s.users[0]!.userId])],
        ['ok', s.users[1]!.userId, JSON.stringify([s.users[1]!.userId])],
      ]),
    );
    expect(s.sim.siteCalls).toHaveLength(2);
    expect(s.sim.stats.sitePrefetches).toBe(0); // a site that answers plainly is never asked for its router state
    expect(s.sim.siteCalls[0]).toMatchObject({
      actionId: s.sim.siteActionId,
      accept: 'text/x-component',
      contentType: 'text/plain;charset=UTF-8',
      origin: s.sim.siteUrl,
    });
    // The tokens the accounts already held: not even a Clerk read, let alone a mint, for credits.
    expect(s.sim.stats.tokenRequests + s.sim.stats.clientLookups).toBe(0);
    await until(() => events.some((e) => e.type === 'accounts.changed'), { what: 'accounts.changed' });

    // The same figures again: only the time of the reading moves, and the windows are told, since they show it.
    events.length = 0;
    const readAt = credits(s, first)!.checkedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await s.core.accounts.checkCredits(first);
    expect(credits(s, first)).toMatchObject({ plan: 'PRO', left: 96_571 });
    expect(credits(s, first)!.checkedAt).toBeGreaterThan(readAt);
    await until(() => events.some((e) => e.type === 'accounts.changed'), { what: 'accounts.changed again' });
    expect(s.sim.stats.sitePages).toBe(1); // the id is kept
    await s.core.stop(1000);

    const reopened = await stack({ dataDir: s.dataDir, accounts: 0 });
    expect(reopened.core.accounts.get(first).credits).toMatchObject({ plan: 'PRO', left: 96_571 });
    expect(reopened.sim.stats.siteActions).toBe(0);
    expectNoSecretsLogged(s);
  });

  it('finds the action again after the site redeploys (x-nextjs-action-not-found) and retries once', async () => {
    const s = await stack({ accounts: 1 });
    const [id] = s.accountIds as [number];
    await s.core.accounts.checkCredits();
    const oldId = s.sim.siteActionId;
    s.sim.redeploySite();
    s.sim.setCredits(s.users[0]!.userId, { plan: 'ULTRA', credits: 11_000_000 });

    await s.core.accounts.checkCredits();
    expect(credits(s, id)).toMatchObject({ plan: 'ULTRA', left: 11_000_000, monthlyLimit: 12_000_000 });
    expect(s.sim.siteCalls.slice(-2).map((c) => [c.actionId, c.outcome])).toEqual([
      [oldId, 'not-found'],
      [s.sim.siteActionId, 'ok'],
    ]);
    expect(s.sim.stats.sitePages).toBe(2);
    expectNoSecretsLogged(s);
  });

  it('a garbage reply or an error status keeps the last figure and its time, with a log line', async () => {
    const s = await stack({ accounts: 1 });
    const [id] = s.accountIds as [number];
    s.sim.setCredits(s.users[0]!.userId, { plan: 'PREMIUM', credits: 1234 });
    await s.core.accounts.checkCredits();
    const known = credits(s, id);
    expect(known).toMatchObject({ plan: 'PREMIUM', left: 1234 });

    s.sim.setCredits(s.users[0]!.userId, { plan: 'PREMIUM', credits: 1 });
    // Each answer twice: a failed call is made once more with the site's router state (protocol page 4.1).
    const garbage = '0:{"a":"$@1"}\n1:{"credits":"lots","plan":{"x":1}}\n\u0000garbage{{{';
    for (const [body, status] of [
      [garbage, 200],
      [garbage, 200],
      ['Internal Server Error', 500],
      ['', 500],
    ] as const)
      s.sim.scriptSiteReply(body, status);
    for (let i = 0; i < 2; i++) await s.core.accounts.checkCredits();
    expect(credits(s, id)).toEqual(known);
    const failures = s.logs.filter((line) => line.startsWith(`[credits] account ${id}: reading credits failed`));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toContain('the reply held no credits figure, with and without its router state');
    expect(failures[1]).toContain('the site answered HTTP 500, with and without its router state');
    // The retries carried the tree and deployment id, read from the site once for both checks.
    expect(s.sim.siteCalls.map((c) => c.routerStateTree !== '')).toEqual([false, false, true, false, true]);
    expect(s.sim.stats.sitePrefetches).toBe(1);
    expectNoSecretsLogged(s);
  });

  it('with the switch off, nothing goes to the site: not at start, not on the timer, not on demand', async () => {
    const s = await stack({
      accounts: 1,
      env: { ORCHIDS_TRAY_CREDITS_SYNC: '0' },
      core: { creditsTiming: { firstSyncMs: 10, intervalMs: 10 } },
    });
    const asked = vi.spyOn(s.core.internals.settings, 'get');
    await until(() => asked.mock.calls.filter(([key]) => key === 'creditsSync').length >= 3, {
      what: 'three timer ticks',
    });
    await expect(s.core.accounts.checkCredits()).rejects.toThrow(/Credits checks are off/);
    expect(s.sim.stats.sitePages + s.sim.stats.siteChunks + s.sim.stats.siteActions).toBe(0);
    expect(s.sim.stats.clientLookups).toBe(0);
    expect(credits(s, s.accountIds[0]!)).toBeNull();
  });

  it('runs by itself: the first pass after start, then again on the interval', async () => {
    const s = await stack({ accounts: 1, core: { creditsTiming: { firstSyncMs: 10, intervalMs: 50 } } });
    const [id] = s.accountIds as [number];
    await until(() => credits(s, id) !== null, { what: 'the first background read' });
    s.sim.setCredits(s.users[0]!.userId, { plan: 'MAX', credits: 29_000_000 });
    await until(() => credits(s, id)?.plan === 'MAX', { what: 'a later background read' });
    expectNoSecretsLogged(s);
  });

  it('reads a newly added account soon, not at the next pass', async () => {
    const s = await stack({
      accounts: 1,
      core: { creditsTiming: { firstSyncMs: 50, addedReadMs: 50, intervalMs: 3_600_000 } },
    });
    await until(() => credits(s, s.accountIds[0]!) !== null, { what: 'the first background read' });
    const user = s.sim.addUser();
    s.sim.setCredits(user.userId, { plan: 'PRO', credits: 96_571 });
    const callsBefore = s.sim.siteCalls.length;
    const { account } = await s.core.accounts.add({ cookie: user.clientCookie, name: 'Added later' });
    expect(account.credits).toBeNull(); // the add itself waits for nothing
    await until(() => credits(s, account.id) !== null, { what: 'the new account read' });
    expect(credits(s, account.id)).toMatchObject({ plan: 'PRO', left: 96_571 });
    // One read, of the new account only: the pass an hour away is still an hour away.
    expect(s.sim.siteCalls.slice(callsBefore).map((c) => c.sessionUser)).toEqual([user.userId]);
  });

  it('reads the new accounts of an import soon, together, and not a disabled one', async () => {
    const s = await stack({
      accounts: 1,
      core: { creditsTiming: { firstSyncMs: 50, addedReadMs: 50, intervalMs: 3_600_000 } },
    });
    const [existing] = s.accountIds as [number];
    await until(() => credits(s, existing) !== null, { what: 'the first background read' });
    const [pro, max, off] = [s.sim.addUser(), s.sim.addUser(), s.sim.addUser()];
    s.sim.setCredits(pro.userId, { plan: 'PRO', credits: 96_571 });
    s.sim.setCredits(max.userId, { plan: 'MAX', credits: 29_000_000 });
    const callsBefore = s.sim.siteCalls.length;
    const file = {
      version: 1,
      accounts: [
        { name: 'Imported pro', cookie: pro.clientCookie },
        { name: 'Imported max', cookie: max.clientCookie },
        { name: 'Imported off', cookie: off.clientCookie, enabled: false },
      ],
    };
    const result = await s.core.accounts.importJson(JSON.stringify(file));
    expect(result).toMatchObject({ added: 3, updated: 0, failed: [] });
    const byName = (name: string) => s.core.accounts.list().find((a) => a.name === name)!;
    await until(() => byName('Imported pro').credits !== null && byName('Imported max').credits !== null, {
      what: 'the imported accounts read',
    });
    expect(byName('Imported pro').credits).toMatchObject({ plan: 'PRO', left: 96_571 });
    expect(byName('Imported max').credits).toMatchObject({ plan: 'MAX', left: 29_000_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(byName('Imported off').credits).toBeNull();
    // The two new enabled accounts, each once; not the account already read, not the disabled one.
    expect(
      s.sim.siteCalls
        .slice(callsBefore)
        .map((c) => c.sessionUser)
        .sort(),
    ).toEqual([pro.userId, max.userId].sort());
    expectNoSecretsLogged(s);
  });

  it('reads an account whose token lapsed with the token Clerk offers, not a mint', async () => {
    const s = await stack({ accounts: 1 });
    const [id] = s.accountIds as [number];
    s.core.internals.tokens.forget(id);
    await s.core.accounts.checkCredits();
    expect(credits(s, id)).toMatchObject({ plan: 'FREE' });
    expect(s.sim.stats.clientLookups).toBe(1);
    expect(s.sim.stats.tokenRequests).toBe(0); // no POST …/tokens: the offered token was enough
  });

  it('a cookie Clerk refuses signs the account out at the read, and later passes do not ask Clerk again', async () => {
    const s = await stack({ accounts: 1 });
    const [id] = s.accountIds as [number];
    s.core.internals.tokens.forget(id); // idle: no token held, so the pass asks Clerk
    s.sim.signOut(s.users[0]!.userId);

    const first = await s.core.accounts.checkCredits();
    expect(first.outcomes).toEqual([{ id, outcome: 'failed', reason: expect.stringMatching(/no active session/) }]);
    expect(s.sim.stats.clientLookups).toBe(1);
    // What a request would have found: the window says so now, and no request picks it first to learn it.
    await until(() => s.core.accounts.get(id).status === 'signed_out', { what: 'the account signed out' });
    expect(s.core.accounts.get(id).statusReason).toMatch(/fresh cookie/);

    for (let pass = 0; pass < 3; pass++) {
      const again = await s.core.accounts.checkCredits();
      expect(again.outcomes).toEqual([{ id, outcome: 'skipped', reason: 'signed out' }]);
    }
    expect(s.sim.stats.clientLookups).toBe(1);
    expect(s.sim.siteCalls).toHaveLength(0);
    expectNoSecretsLogged(s);
  });

  it('after Clerk throttles, the rest of the pass and the next minute ask it nothing, then it is asked', async () => {
    const s = await stack({ accounts: 4, core: { creditsTiming: { firstSyncMs: 3_600_000, clerkQuietMs: 1_500 } } });
    for (const id of s.accountIds) s.core.internals.tokens.forget(id); // idle: every account needs Clerk
    s.sim.setClerkFailure(429);

    const throttled = await s.core.accounts.checkCredits();
    // The two lanes asked at once and met the 429; the two accounts after them were not asked.
    expect(s.sim.stats.clientLookups).toBe(2);
    expect(throttled.outcomes.map((o) => o.outcome)).toEqual(['failed', 'failed', 'skipped', 'skipped']);
    expect(throttled.outcomes[0]!.reason).toMatch(/HTTP 429/);
    expect(throttled.outcomes[3]!.reason).toMatch(/Clerk was throttling or out of reach/);

    s.sim.setClerkFailure(undefined);
    const soon = await s.core.accounts.checkCredits();
    expect(soon.outcomes.every((o) => o.outcome === 'skipped')).toBe(true);
    expect(s.sim.stats.clientLookups).toBe(2);
    // Throttling is no verdict on the accounts: none is signed out.
    for (const id of s.accountIds) expect(s.core.accounts.get(id).status).not.toBe('signed_out');

    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const later = await s.core.accounts.checkCredits();
    expect(later.outcomes.map((o) => o.outcome)).toEqual(['read', 'read', 'read', 'read']);
    expect(s.sim.stats.clientLookups).toBe(6);
    expectNoSecretsLogged(s);
  });
});

describe('the accounts:checkCredits channel', () => {
  it('answers over the HTTP control transport with the list and each enabled account’s outcome', async () => {
    const s = await stack({ accounts: 4 });
    const [read, failing, signedOut, disabled] = s.accountIds as [number, number, number, number];
    s.core.accounts.update(disabled, { enabled: false });
    s.core.internals.states.recordFailure(signedOut, { kind: 'signed_out', message: 'Clerk refused the cookie' });
    // Only the account without a token to hand asks Clerk, and Clerk is down.
    s.core.internals.tokens.forget(failing);
    s.sim.setClerkFailure(503);
    attachAppControl(s.core, { distDir: tempDir() });
    const token = fs.readFileSync(path.join(s.dataDir, 'control-token'), 'utf8').trim();

    const response = await request(`${s.url}/_tray/api/accounts:checkCredits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-orchids-tray': '1', authorization: `Bearer ${token}` },
      body: JSON.stringify({ input: {} }),
    });
    const envelope = (await response.body.json()) as Envelope<CreditsCheckResult>;
    if (!envelope.ok) throw new Error(envelope.error.message);
    const { accounts, outcomes } = envelope.value;
    expect(outcomes).toEqual([
      { id: read, outcome: 'read' },
      { id: failing, outcome: 'failed', reason: 'Clerk answered HTTP 503.' },
      { id: signedOut, outcome: 'skipped', reason: 'signed out' },
    ]);
    expect(accounts.map((a) => [a.id, a.credits?.plan ?? null])).toEqual([
      [read, 'FREE'],
      [failing, null],
      [signedOut, null],
      [disabled, null],
    ]);
    expect(s.sim.siteCalls.map((c) => c.sessionUser)).toEqual([s.users[0]!.userId]);
    expect(describeCreditsCheck(envelope.value)).toBe(
      'Read the credits of 1 of 3 accounts; not read: Account 2 (Clerk answered HTTP 503), Account 3 (signed out). ' +
        'Their last figure stays.',
    );

    // One account asked for by id is read even though it is disabled: a person asked for it by name.
    const one = await s.core.accounts.checkCredits(disabled);
    expect(one.outcomes).toEqual([{ id: disabled, outcome: 'read' }]);
    expectNoSecretsLogged(s);
  });
});

describe('npm run cli -- accounts list / credits', () => {
  it('shows each account’s plan and credits left, a dash before the first read, and the figure in --json', async () => {
    const s = await stack({ accounts: 0 });
    await s.core.stop(1000); // the CLI opens the data folder itself
    const user = s.sim.addUser();
    s.sim.setCredits(user.userId, { plan: 'PRO', credits: 96_571 });
    const env = { ORCHIDS_TRAY_DATA_DIR: s.dataDir, ...simEnv(s.sim) };
    const cli = (...args: string[]): Promise<string> => cliOk(env, ...args);
    const host = new URL(s.sim.siteUrl).host;
    expect(await cli('help')).toContain(`read plan and credits from ${host} now`);
    expect((await cli('help')).match(/orchids\.app/g)).toHaveLength(1); // the cookie's site, not the credits'
    await cli('accounts', 'add', '--cookie', user.clientCookie, '--name', 'Work');

    const before = (await cli('accounts', 'list')).split('\n');
    expect(before[0]).toMatch(/PROTOCOL\s+CREDITS\s+STATE$/);
    expect(before[1]).toMatch(/\s-\s+ready$/);

    const checked = (await cli('accounts', 'credits')).split('\n');
    expect(checked[1]).toMatch(/PRO 96,571 left\s+ready$/);
    // The simulator is not orchids.app: the sentence names the site ORCHIDS_SITE_URL points at.
    expect(checked.at(-1)).toBe(`Read the credits of 1 account from ${host}.`);
    s.sim.scriptSiteReply('Internal Server Error', 500);
    s.sim.scriptSiteReply('Internal Server Error', 500);
    const [failed] = JSON.parse(await cli('accounts', 'credits', '1', '--json')) as Array<Record<string, unknown>>;
    expect(failed).toMatchObject({ id: 1, name: 'Work', credits: { plan: 'PRO', left: 96_571 } });
    expect(failed!.creditsCheck).toEqual({
      outcome: 'failed',
      reason: 'the site answered HTTP 500, with and without its router state',
    });
    expect((await cli('accounts', 'list')).split('\n')[1]).toContain('PRO 96,571 left');
    const [json] = JSON.parse(await cli('accounts', 'list', '--json')) as Array<{ credits: unknown }>;
    expect(json!.credits).toEqual({
      plan: 'PRO',
      left: 96_571,
      monthlyLimit: 2_000_000,
      checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });
});
