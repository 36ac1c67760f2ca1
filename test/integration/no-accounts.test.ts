import { afterEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startStack, type Stack } from '../helpers/stack';
import { runCodex } from '../helpers/codex';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import { CLI_ADD_ACCOUNT } from '../../main/core/accounts/cookie-parser';

let stack: Stack;
afterEach(async () => stack?.stop());

const ask = (client: Anthropic) =>
  client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });

/**
 * What a client is told when no account can take a request, chosen by measuring the real Claude Code CLI (see
 * main/core/proxy/unavailable.ts): waiting cannot help here, so the answer is one clients show at once (424 with
 * `x-should-retry: false`), not a 403 (Claude Code reads that as "Failed to authenticate") nor a retried 5xx.
 */
describe('when no account can serve', () => {
  it('says there are no accounts and how to add one (quickly, not a hang)', async () => {
    stack = await startStack({ accounts: 0 });
    const error = await ask(stack.client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(424);
    expect((error as InstanceType<typeof Anthropic.APIError>).headers?.get('x-should-retry')).toBe('false');
    // From a file: a cookie typed as an argument stays in shell history and shows in ps.
    expect(String((error as Error).message)).toMatch(/no accounts yet.*accounts add --cookie-file <[^>]+>/i);
    // The app runs on a folder of its own: the command names it, or it would add the account to the default folder.
    expect(String((error as Error).message)).toContain(
      `or run: ORCHIDS_TRAY_DATA_DIR=${stack.dataDir} ${CLI_ADD_ACCOUNT}`,
    );
    // The SDK's message names the request id, which `logs show` takes, so a user can find the row behind the error.
    const requestId = (error as InstanceType<typeof Anthropic.APIError>).headers?.get('request-id');
    expect(String((error as Error).message)).toContain(`request_id: ${requestId}`);
    expect(requestId).toMatch(/^req_/);
    expect(stack.sim.stats.agentRequests).toBe(0);
  });

  it('reaches the real Codex CLI at once: it fails the turn with the message, asking only once', async () => {
    const key = 'test-codex-no-accounts-key';
    stack = await startStack({ accounts: 0, env: { ORCHIDS_TRAY_API_KEY: key } });
    const finished: string[] = [];
    stack.core.subscribe((batch) =>
      finished.push(...batch.filter((e) => e.type === 'request.finished').map((e) => e.type)),
    );
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Say hello', stack.url, key);
    const failure = run.events.find((e) => e.type === 'turn.failed') as { error?: { message: string } } | undefined;
    // Codex retries a 5xx (its own backoff, minutes with a stream's retries); a 424 is shown as it comes.
    expect(failure?.error?.message).toMatch(/424 Failed Dependency: Orchids Tray has no accounts yet\..*accounts add/);
    await until(() => finished.length > 0);
    expect(finished).toHaveLength(1);
  });

  it('says every account is disabled', async () => {
    stack = await startStack({ accounts: 2 });
    for (const id of stack.accountIds) stack.core.accounts.update(id, { enabled: false });
    const error = await ask(stack.client()).catch((e: unknown) => e);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(424);
    expect(String((error as Error).message)).toMatch(/disabled.*accounts enable/i);
    expect(String((error as Error).message)).toContain(
      `ORCHIDS_TRAY_DATA_DIR=${stack.dataDir} npm run cli -- accounts enable`,
    );
  });

  it('serves again as soon as an account is enabled, without a restart', async () => {
    stack = await startStack({ accounts: 1 });
    stack.core.accounts.update(stack.accountIds[0]!, { enabled: false });
    await expect(ask(stack.client())).rejects.toThrow();
    stack.core.accounts.update(stack.accountIds[0]!, { enabled: true });
    await expect(ask(stack.client())).resolves.toMatchObject({ type: 'message' });
  });
});
