import { afterEach, describe, expect, it } from 'vitest';
import { runClaude } from '../helpers/claude-code';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * What the real Claude Code CLI shows when no account can serve. Where waiting cannot help, it must print Orchids
 * Tray's own message at once (not "Failed to authenticate", not minutes of silent retries); where a short pause will
 * do, it must wait and then get its answer. The statuses behind this are in main/core/proxy/unavailable.ts.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-claude-code-key';

async function ask() {
  stack.core.settings.set('apiKey', KEY);
  return runClaude(
    tempDir('orchids-cc-work-'),
    'hi',
    { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY },
    { json: false },
  );
}

describe('errors Claude Code shows at once', () => {
  it('no account: our message, not "Failed to authenticate", within seconds', { timeout: 60_000 }, async () => {
    stack = await startStack({ accounts: 0 });
    const run = await ask();
    const printed = run.stdout + run.stderr;
    expect(run.code).not.toBe(0);
    expect(printed).toMatch(/no accounts yet.*accounts add/i);
    expect(printed).not.toMatch(/Failed to authenticate/);
    expect(run.ms).toBeLessThan(20_000);
  });

  it('a wrong API key: "Invalid API key", within seconds', { timeout: 60_000 }, async () => {
    stack = await startStack({ accounts: 1 });
    stack.core.settings.set('apiKey', KEY);
    const run = await runClaude(
      tempDir('orchids-cc-work-'),
      'hi',
      { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: 'not-the-key' },
      { json: false },
    );
    expect(run.code).not.toBe(0);
    // Claude Code's own words for Anthropic's "invalid x-api-key" body; it retried for minutes before x-should-retry.
    expect(run.stdout + run.stderr).toMatch(/Invalid API key/);
    expect(run.ms).toBeLessThan(20_000);
  });

  it('every account signed out: says so and what to do, within seconds', { timeout: 60_000 }, async () => {
    stack = await startStack({ accounts: 1, core: { statePolicy: { signedOutRetryMs: 3_600_000 } } });
    stack.sim.signOut(stack.users[0]!.userId);
    stack.core.internals.tokens.invalidate(stack.accountIds[0]!);
    const run = await ask();
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/all accounts signed out/i);
    expect(run.ms).toBeLessThan(20_000);
  });

  it('every account cooling down for an hour: says until when, within seconds', { timeout: 60_000 }, async () => {
    stack = await startStack({ accounts: 1 });
    stack.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
    const run = await ask();
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/cooling down; the next is ready in 6\d min/);
    expect(run.ms).toBeLessThan(20_000);
  });

  it('a short cool-down: Claude Code waits the retry-after and gets its answer', { timeout: 60_000 }, async () => {
    stack = await startStack({ accounts: 1 });
    stack.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '2' });
    const running = ask();
    // Orchids asks for a pause once; after that it serves again.
    await until(() => stack.sim.stats.wsRefusedUpgrades > 0, { what: 'the refused upgrade', timeoutMs: 30_000 });
    stack.sim.refuseUpgrades(undefined);
    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from the Orchids simulator.');
  });
});
