import { afterEach, describe, expect, it } from 'vitest';
import { httpError } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { HI, postMessages } from '../helpers/messages';
import { cliOk } from '../helpers/cli';
import { simEnv } from '../helpers/sim-env';
import { until } from '../helpers/wait';

/**
 * A history row keeps the name of each account its request tried, not only of the one that answered: an account
 * tried first that did not answer, then removed, still reads by name in the window's "Accounts tried".
 */
let stack: Stack;
afterEach(async () => stack?.stop());

/** Two accounts; the one a request meets first answers 500, so the request moves on to the other. */
async function askWithFailover(countFlushMs: number) {
  stack = await startStack({ accounts: 2, core: { countFlushMs } });
  let first: string | undefined;
  stack.sim.onAgentRequest((req) => {
    first ??= req.userId;
    return req.userId === first ? httpError(500, 'internal_error') : undefined;
  });
  const response = await postMessages(stack.url, { ...HI, max_tokens: 50 });
  await response.body.text();
  expect(response.statusCode).toBe(200);
  const failed = stack.accountIds[stack.users.findIndex((u) => u.userId === first)]!;
  const answered = stack.accountIds.find((id) => id !== failed)!;
  return { requestId: String(response.headers['request-id']), failed, answered };
}

const nameOf = (id: number) => `Account ${stack.accountIds.indexOf(id) + 1}`;

describe('history: the names of the accounts tried', () => {
  it('are written with the row, in the order tried', async () => {
    const { requestId, failed, answered } = await askWithFailover(50);
    await stack.core.internals.history.flushNow();
    const row = stack.core.internals.historyRepo.get(requestId)!;
    expect(row.accountsTried).toEqual([failed, answered]);
    expect(row.accountsTriedNames).toEqual([nameOf(failed), nameOf(answered)]);
  });

  it('are written for an account removed while its request waited in the writer', async () => {
    // The writer holds the row (a minute's interval) until the account is gone: the cache no longer knows it.
    const { requestId, failed, answered } = await askWithFailover(60_000);
    const name = nameOf(failed);
    stack.core.accounts.remove(failed);
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.get(requestId)!.accountsTriedNames).toEqual([name, nameOf(answered)]);
  });

  it('are written for an account another process removed while its request waited in the writer', async () => {
    // The CLI on the same folder (the stack's app writes no runtime.json, so the CLI opens the database itself): this
    // process learns of the removal only from SQLite's data_version, by a reload, not through its own remove.
    const { requestId, failed, answered } = await askWithFailover(60_000);
    const name = nameOf(failed);
    await cliOk({ ORCHIDS_TRAY_DATA_DIR: stack.dataDir, ...simEnv(stack.sim) }, 'accounts', 'remove', String(failed));
    await until(() => stack.core.accounts.list().every((a) => a.id !== failed));
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.get(requestId)!.accountsTriedNames).toEqual([name, nameOf(answered)]);
  });

  it('are not written for a request one account served: accountName holds that one', async () => {
    stack = await startStack({ accounts: 1, core: { countFlushMs: 50 } });
    const response = await postMessages(stack.url, { ...HI, max_tokens: 50 });
    await response.body.text();
    await stack.core.internals.history.flushNow();
    const row = stack.core.internals.historyRepo.get(String(response.headers['request-id']))!;
    expect(row.accountsTried).toHaveLength(1);
    expect(row.accountsTriedNames).toEqual([]);
    expect(row.accountName).toBe('Account 1');
  });
});
