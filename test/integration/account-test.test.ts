/**
 * `accounts:test`: one short request through the real upstream path on an account, step by step, against the
 * simulator serving each protocol in turn; counted nowhere and changing nothing a request would change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { startStack, type Stack } from '../helpers/stack';
import { onlyServing } from '../helpers/upstream';
import { simEnv } from '../helpers/sim-env';
import { tempDir } from '../helpers/temp-dir';
import { OrchidsSimulator, finish, httpError, sse, text } from '../sim/orchids-simulator';

const SIM_REPLY = 'Hello from the Orchids simulator.';

let stack: Stack | undefined;
let sim: OrchidsSimulator | undefined;
afterEach(async () => {
  await stack?.stop();
  await sim?.close();
  stack = undefined;
  sim = undefined;
});

const outcomes = (result: { steps: Array<{ step: string; outcome: string }> }) =>
  result.steps.map((s) => `${s.step}:${s.outcome}`);

/** What a request would leave behind: history rows, request counts, the remembered protocol, the state. */
async function footprint(s: Stack) {
  await s.core.internals.history.flushNow();
  const id = s.accountIds[0]!;
  const account = s.core.internals.cache.get(id)!;
  return {
    history: s.core.internals.historyRepo.query({ limit: 1000 }).length,
    requestCount: account.requestCount,
    protocol: account.protocol,
    status: account.status,
  };
}

describe('accounts:test', () => {
  it('answers as auto would (ws first, the rest not tried), with reply, events and times; counts nothing', async () => {
    stack = await startStack();
    const before = await footprint(stack);
    const result = await stack.core.accounts.test(stack.accountIds[0]!);

    expect(outcomes(result)).toEqual(['sign-in:ok', 'ws:answered', 'sse-b:skipped', 'sse-a:skipped']);
    expect(result.works).toBe('ws');
    expect(result.setting).toBe('auto');
    expect(result.model).toBe('claude-sonnet-4-6');
    expect(result.verdict).toMatch(/^Works over ws: the Orchids agent answered in \d+ ms\.$/);
    const ws = result.steps[1]!;
    expect(ws.reply).toBe(SIM_REPLY);
    expect(ws.status).toBe(200);
    expect(ws.firstEventMs).toBeGreaterThanOrEqual(0);
    expect(ws.ms).toBeGreaterThanOrEqual(ws.firstEventMs!);
    expect(ws.events?.map((e) => e.type)).toContain('model/finish');
    expect(result.steps[2]!.detail).toBe('not tried: ws answered');

    // The simulator saw the test, the app's own books did not.
    expect(stack.sim.requests.filter((r) => r.rejected === undefined).map((r) => r.protocol)).toEqual(['ws']);
    expect(await footprint(stack)).toEqual(before);
  });

  it.each(['sse-b', 'sse-a'] as const)(
    'walks past what does not answer to %s, saying why each did not, and remembers nothing',
    async (only) => {
      stack = await startStack({ serves: onlyServing(only) });
      const before = await footprint(stack);
      const result = await stack.core.accounts.test(stack.accountIds[0]!);

      const expected =
        only === 'sse-b'
          ? ['ws:not-here', 'sse-b:answered', 'sse-a:skipped']
          : ['ws:not-here', 'sse-b:not-here', 'sse-a:answered'];
      expect(outcomes(result)).toEqual(['sign-in:ok', ...expected]);
      expect(result.works).toBe(only);
      expect(result.steps[1]).toMatchObject({ step: 'ws', status: 404 });
      expect(result.steps.find((s) => s.step === only)?.reply).toBe(SIM_REPLY);
      expect(await footprint(stack)).toEqual(before);
    },
  );

  it('tries every protocol with `all`, and only the one asked for with `protocol`', async () => {
    stack = await startStack();
    const id = stack.accountIds[0]!;
    const all = await stack.core.accounts.test(id, { all: true });
    expect(outcomes(all)).toEqual(['sign-in:ok', 'ws:answered', 'sse-b:answered', 'sse-a:answered']);
    expect(all.works).toBe('ws');

    const one = await stack.core.accounts.test(id, { protocol: 'sse-a' });
    expect(outcomes(one)).toEqual(['sign-in:ok', 'sse-a:answered']);
    expect(one.verdict).toMatch(/^Works over sse-a/);
  });

  it('follows a pinned upstreamProtocol setting unless told otherwise', async () => {
    stack = await startStack({ protocol: 'sse-b' });
    const result = await stack.core.accounts.test(stack.accountIds[0]!);
    expect(result.setting).toBe('sse-b');
    expect(outcomes(result)).toEqual(['sign-in:ok', 'sse-b:answered']);
  });

  it('reports a refusal with its status and words, stops there as a request would, leaves the state', async () => {
    stack = await startStack();
    stack.sim.refuseUpgrades(429, 'slow down', { 'retry-after': '41' });
    const result = await stack.core.accounts.test(stack.accountIds[0]!);

    expect(outcomes(result)).toEqual(['sign-in:ok', 'ws:refused', 'sse-b:skipped', 'sse-a:skipped']);
    expect(result.steps[1]).toMatchObject({ status: 429 });
    expect(result.steps[2]!.detail).toBe('not tried: ws refused the account');
    expect(result.works).toBeNull();
    expect(result.verdict).toMatch(/^The service turned this account away on ws: /);
    expect(stack.core.internals.cache.get(stack.accountIds[0]!)!.status).toBe('ready');
  });

  it('says the service may have moved when no protocol answers', async () => {
    stack = await startStack({ serves: { ws: false, sseB: false, sseA: false } });
    const result = await stack.core.accounts.test(stack.accountIds[0]!);
    expect(outcomes(result)).toEqual(['sign-in:ok', 'ws:not-here', 'sse-b:not-here', 'sse-a:not-here']);
    expect(result.verdict).toContain('no Orchids agent answered on none of ws, sse-b and sse-a');
    expect(result.verdict).toContain('ORCHIDS_AGENT_WS_URL');
  });

  it('reports a failure that is no one account’s (a 5xx) and does not fall back past it', async () => {
    stack = await startStack({ protocol: 'sse-a' });
    stack.sim.enqueue(httpError(503, 'upstream busy'));
    const result = await stack.core.accounts.test(stack.accountIds[0]!);
    expect(outcomes(result)).toEqual(['sign-in:ok', 'sse-a:failed']);
    expect(result.steps[1]).toMatchObject({ status: 503 });
    expect(result.verdict).toMatch(/^Signed in, but sse-a failed: /);
  });

  it('stops waiting for a protocol that does not finish its answer, and says so', async () => {
    stack = await startStack({ protocol: 'sse-a', core: { accountTestStepLimitMs: 300 } });
    // Headers and one delta, then silence longer than the test waits.
    stack.sim.enqueue(sse([...text('Hel'), { delayMs: 5_000 }, ...finish()]));
    const started = Date.now();
    const result = await stack.core.accounts.test(stack.accountIds[0]!);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(outcomes(result)).toEqual(['sign-in:ok', 'sse-a:failed']);
    expect(result.steps[1]!.detail).toBe('no complete answer within 300 ms; the test stopped waiting');
  });

  it('stops at sign-in when Clerk will not give a session, trying no protocol', async () => {
    stack = await startStack();
    const id = stack.accountIds[0]!;
    stack.core.internals.tokens.forget(id);
    stack.sim.signOut(stack.users[0]!.userId);
    stack.sim.requests.length = 0;
    const result = await stack.core.accounts.test(id);
    expect(outcomes(result)).toEqual(['sign-in:refused', 'ws:skipped', 'sse-b:skipped', 'sse-a:skipped']);
    expect(result.works).toBeNull();
    expect(result.verdict).toMatch(/^No session from Clerk: /);
    expect(stack.sim.requests).toHaveLength(0);
  });
});

describe('npm run cli -- accounts test', () => {
  it('prints each step and the verdict, answers 0 when the account works and 1 when it does not', async () => {
    sim = await OrchidsSimulator.start();
    const env = { ORCHIDS_TRAY_DATA_DIR: tempDir(), ...simEnv(sim) };
    const added = await cli(env, 'accounts', 'add', '--cookie', sim.addUser().clientCookie, '--name', 'Work');
    expect(added.code).toBe(0);
    expect(added.notes).toContain('Test it with one short request: npm run cli -- accounts test 1');

    const works = await cli(env, 'accounts', 'test', '1');
    expect(works.code).toBe(0);
    const lines = works.out.split('\n');
    expect(lines[0]).toBe('Account 1 (Work), model claude-sonnet-4-6, upstreamProtocol auto:');
    expect(lines[1]).toMatch(/^ {2}sign-in {2}ok +Clerk gave a fresh session token in \d+ ms$/);
    expect(lines[2]).toMatch(/^ {2}ws +answered +the agent replied \(end_turn\) in \d+ ms \(first event \d+ ms\)$/);
    expect(works.out).toContain(`reply: "${SIM_REPLY}"`);
    expect(works.out).toContain('sse-b    skipped   not tried: ws answered');
    expect(lines.at(-1)).toMatch(/^Works over ws/);

    sim.setProtocols({ ws: false, sseB: false, sseA: false });
    const broken = await cli(env, 'accounts', 'test', '1', '--json');
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out)).toMatchObject({
      id: 1,
      works: null,
      steps: [{ step: 'sign-in' }, { step: 'ws', outcome: 'not-here', status: 404 }, {}, {}],
    });

    // Without an id: every enabled account in turn; a disabled one is left out; 1 when any does not work.
    sim.setProtocols({ ws: true, sseB: true, sseA: true });
    await cli(env, 'accounts', 'add', '--cookie', sim.addUser().clientCookie, '--name', 'Home');
    await cli(env, 'accounts', 'add', '--cookie', sim.addUser().clientCookie, '--name', 'Spare');
    await cli(env, 'accounts', 'disable', '3');
    const each = await cli(env, 'accounts', 'test');
    expect(each.code).toBe(0);
    expect(each.out.match(/^Account \d+ \([^)]+\)/gm)).toEqual(['Account 1 (Work)', 'Account 2 (Home)']);
    // Then what each came to, in accounts list's columns: the protocol it answered on.
    expect(each.out.split('\n').slice(-3)).toEqual([
      'ID  NAME  PROTOCOL  RESULT',
      '1   Work  ws        works',
      '2   Home  ws        works',
    ]);
    const eachJson = JSON.parse((await cli(env, 'accounts', 'test', '--json')).out);
    expect(eachJson.map((r: { id: number; works: string }) => [r.id, r.works])).toEqual([
      [1, 'ws'],
      [2, 'ws'],
    ]);
    sim.signOut(sim.listUsers()[1]!.userId);
    const oneFails = await cli(env, 'accounts', 'test');
    expect(oneFails.code).toBe(1);
    expect(oneFails.out.split('\n').slice(-2)).toEqual([
      '1   Work  ws        works',
      '2   Home  -         does not work',
    ]);

    await expect(cli(env, 'accounts', 'test', '1', '--protocol', 'http')).rejects.toThrow(
      'Protocol must be ws, sse-b or sse-a.',
    );
  });
});
