/**
 * `npm run cli -- logs --follow`, `logs` and `logs --csv` name a request's accounts as they were when it ran, even
 * when they were removed before the follower started: a request that was still running when its accounts were removed
 * finishes after the follower read the account list, which no longer has them, and the follower never saw them go.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_CSV_HEADER } from '../../contract/history-csv';
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
import { DEFAULT_RESPONSE_B } from '../sim/steps-gen-b';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Long enough for both removals and the follower's start, on a busy machine; the test waits for each of them. */
const ANSWER_DELAY_MS = 4000;

describe('logs: accounts removed before the follower started', () => {
  it('--follow, logs and --csv name them as they were, marked removed', { timeout: 30_000 }, async () => {
    // SSE: removing an account closes its WebSocket, which would end the request this test keeps running.
    const s = (stack = await startStack({ accounts: 2, protocol: 'sse-b' }));
    attachAppControl(s.core, { distDir: tempDir() }).announce(s.url);
    const env = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, ORCHIDS_TRAY_DATA_DIR: s.dataDir, ...simEnv(s.sim) };

    // The account met first answers 500; the other answers after a pause, while both are removed.
    let first: string | undefined;
    let second = false;
    s.sim.onAgentRequest((req) => {
      first ??= req.userId;
      if (req.userId === first) return httpError(500, 'internal_error');
      second = true;
      const reply = 'steps' in DEFAULT_RESPONSE_B ? DEFAULT_RESPONSE_B.steps : [];
      return { steps: [{ delayMs: ANSWER_DELAY_MS }, ...reply] };
    });
    const answer = postMessages(s.url, { ...HI, max_tokens: 50 });
    await until(() => second, { what: 'the second account to be asked' });
    const failedAt = s.users.findIndex((u) => u.userId === first);
    const failed = s.accountIds[failedAt]!;
    const answered = s.accountIds[1 - failedAt]!;
    const [failedName, answeredName] = [`Account ${failedAt + 1}`, `Account ${2 - failedAt}`];
    s.core.accounts.remove(failed);
    s.core.accounts.remove(answered);

    const connection = connectCli(env, () => {});
    const lines: string[] = [];
    const stop = new AbortController();
    const following = followLogs(connection, (line) => lines.push(line), stop.signal);
    await until(() => lines.some((line) => line.startsWith('Following')));
    const response = await answer;
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    const requestId = String(response.headers['request-id']);
    await until(() => lines.some((line) => line.includes(requestId)), { what: `a --follow line for ${requestId}` });
    stop.abort();
    await following;
    await connection.close();

    const served = `#${answered} ${answeredName} (removed)`;
    const tried = `tried #${failed} ${failedName} (removed) → ${served}`;
    const followed = lines.find((line) => line.includes(requestId))!;
    expect(followed).toContain(`  ${served}  via sse-b  `);
    expect(followed).toContain(`  1 retry  ${tried}  `);

    const logged = (await cliOk(env, 'logs')).split('\n').find((line) => line.includes(requestId))!;
    expect(logged).toContain(`  ${served}  via sse-b  `);
    expect(logged).toContain(`  1 retry  ${tried}  `);

    const [, record] = parseCsv(`${await cliOk(env, 'logs', '--csv')}\n`);
    const at = (column: string) => record![HISTORY_CSV_HEADER.indexOf(column)];
    expect(at('account')).toBe(`${answeredName} (removed)`);
    expect(at('accounts_tried')).toBe(`${failedName} (removed) → ${answeredName} (removed)`);
  });
});
