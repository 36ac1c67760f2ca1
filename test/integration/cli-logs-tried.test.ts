/**
 * `npm run cli -- logs`, `logs --follow`, `logs --csv` and `logs --json` name each account a request tried, as the
 * window's Logs detail does (Accounts tried: `name → name`): a request that failed over from one account to another
 * reads by both names, and the one tried first still reads by its name once it is removed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_CSV_HEADER } from '../../contract/history-csv';
import type { HistoryView } from '../../contract/request-views';
import { connectCli } from '../../main/cli-connection';
import { followLogs } from '../../main/cli-logs';
import { attachAppControl } from '../../main/core/control/app-control';
import { cliOk } from '../helpers/cli';
import { parseCsv } from '../helpers/csv';
import { HI, postMessages } from '../helpers/messages';
import { simEnv } from '../helpers/sim-env';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import { httpError } from '../sim/orchids-simulator';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('logs: the accounts a request tried, by name', () => {
  it('--follow, logs, --csv and --json name both accounts of a failover, the first once removed too', async () => {
    const s = (stack = await startStack({ accounts: 2 }));
    // The running app, found by the CLI through the data folder's runtime file (another process in real life).
    attachAppControl(s.core, { distDir: tempDir() }).announce(s.url);
    const env = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, ORCHIDS_TRAY_DATA_DIR: s.dataDir, ...simEnv(s.sim) };
    const connection = connectCli(env, () => {});
    const lines: string[] = [];
    const stop = new AbortController();
    const following = followLogs(connection, (line) => lines.push(line), stop.signal);
    await until(() => lines.some((line) => line.startsWith('Following')));

    // The account the request meets first answers 500, so it moves on to the other.
    let first: string | undefined;
    s.sim.onAgentRequest((req) => {
      first ??= req.userId;
      return req.userId === first ? httpError(500, 'internal_error') : undefined;
    });
    const response = await postMessages(s.url, { ...HI, max_tokens: 50 });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    const requestId = String(response.headers['request-id']);
    const failedAt = s.users.findIndex((u) => u.userId === first);
    const failed = s.accountIds[failedAt]!;
    const answered = s.accountIds[1 - failedAt]!;
    const [failedName, answeredName] = [`Account ${failedAt + 1}`, `Account ${2 - failedAt}`];

    await until(() => lines.some((line) => line.includes(requestId)), { what: `a --follow line for ${requestId}` });
    stop.abort();
    await following;
    await connection.close();
    expect(lines.find((line) => line.includes(requestId))).toContain(
      `  1 retry  tried #${failed} ${failedName} → #${answered} ${answeredName}  `,
    );

    s.core.accounts.remove(failed);
    const logged = (await cliOk(env, 'logs')).split('\n').find((line) => line.includes(requestId));
    expect(logged).toContain(`  1 retry  tried #${failed} ${failedName} (removed) → #${answered} ${answeredName}  `);

    const [, record] = parseCsv(`${await cliOk(env, 'logs', '--csv')}\n`);
    const at = (column: string) => record![HISTORY_CSV_HEADER.indexOf(column)];
    expect(at('accounts_tried_ids')).toBe(`${failed} ${answered}`);
    expect(at('accounts_tried')).toBe(`${failedName} (removed) → ${answeredName}`);
    expect(at('account')).toBe(answeredName);

    const [row] = JSON.parse(await cliOk(env, 'logs', '--json')) as HistoryView[];
    expect(row).toMatchObject({ accountsTried: [failed, answered], accountsTriedNames: [failedName, answeredName] });
  });

  it('names no accounts tried for a request one account served: the line names it already', async () => {
    const s = (stack = await startStack({ accounts: 1 }));
    const response = await postMessages(s.url);
    await response.body.dump();
    await s.core.internals.history.flushNow();
    const env = { ORCHIDS_TRAY_DATA_DIR: s.dataDir, ...simEnv(s.sim) };
    const logged = (await cliOk(env, 'logs'))
      .split('\n')
      .find((l) => l.includes(String(response.headers['request-id'])));
    expect(logged).toMatch(/ {2}#\d+ Account 1 {2}/);
    expect(logged).not.toContain('tried');
  });
});
