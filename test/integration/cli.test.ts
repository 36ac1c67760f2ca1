import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { runCli } from '../../main/cli';
import { UsageError } from '../../main/cli-errors';
import { KeyFileSecretBox } from '../../main/core/secrets/secret-box';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { creditsExhausted } from '../sim/steps';
import { HISTORY_CSV_HEADER, historyCsv } from '../../contract/history-csv';
import type { HistoryView } from '../../contract/request-views';
import { parseCsv } from '../helpers/csv';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { buildEntryPoints, ROOT } from '../helpers/processes';
import { browserSessionToken } from '../helpers/browser-session';
import { simEnv } from '../helpers/sim-env';
import { until } from '../helpers/wait';
import { hiStatus, postMessages } from '../helpers/messages';

// Clerk rotates __client on every call, as real Clerk may: a rotated cookie not kept fails the next call.
const ROTATING = { rotateClientCookie: true } as const;

let sim: OrchidsSimulator | undefined;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  await sim?.close();
  stack = undefined;
  sim = undefined;
});

function envFor(dataDir: string, s: OrchidsSimulator): NodeJS.ProcessEnv {
  return { ORCHIDS_TRAY_DATA_DIR: dataDir, ...simEnv(s) };
}

describe('npm run cli -- accounts', () => {
  it('adds an account from a cookie, lists it without secrets, updates it when the same user comes again', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    const user = sim.addUser();
    const env = envFor(tempDir(), sim);
    const added = await cli(env, 'accounts', 'add', '--cookie', user.clientCookie, '--name', 'Work', '--weight', '3');
    expect(added.code).toBe(0);
    expect(added.out).toBe(`Added account 1: Work <${user.email}>`);
    expect(added.notes).toEqual(['Test it with one short request: npm run cli -- accounts test 1']);
    const listed = JSON.parse((await cli(env, 'accounts', 'list', '--json')).out);
    expect(listed).toEqual([
      expect.objectContaining({
        id: 1,
        name: 'Work',
        email: user.email,
        enabled: true,
        weight: 3,
        requestCount: 0,
        status: 'ready',
      }),
    ]);
    const everything = (await cli(env, 'accounts', 'list', '--json')).out + (await cli(env, 'accounts', 'list')).out;
    expect(everything).not.toContain(user.clientCookie);
    expect(everything).not.toContain(user.sessionId);

    const again = await cli(
      env,
      'accounts',
      'add',
      '--cookie',
      `__client=${user.clientCookie}; __client_uat=1700000000`,
    );
    expect(again.out).toBe(`Updated account 1: Work <${user.email}>`);
    expect(JSON.parse((await cli(env, 'accounts', 'list', '--json')).out)).toHaveLength(1);
  });

  it("lists an account's state in the words the window and the tray use", async () => {
    stack = await startStack({ accounts: 1, sim: ROTATING });
    stack.sim.enqueue({ steps: creditsExhausted() });
    expect(await hiStatus(stack.url)).toBe(402);
    const { attachAppControl } = await import('../../main/core/control/app-control');
    attachAppControl(stack.core, { distDir: tempDir() }).announce(stack.url);
    const listed = await cli(envFor(stack.dataDir, stack.sim), 'accounts', 'list');
    expect(listed.out).toMatch(/ out of credits \(until .+, in 60 min\): Out of Orchids credits\.$/m);
  });

  it('a cookie Clerk rejects gives a clear error and stores nothing', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    const dataDir = tempDir();
    const env = envFor(dataDir, sim);
    const rejected = 'eyJhbGciOiJub25lIn0.eyJpZCI6ImNsaWVudF9mYWtlIiwicm90YXRpbmdfdG9rZW4iOiJmYWtlIn0.not-known';
    await expect(cli(env, 'accounts', 'add', '--cookie', rejected)).rejects.toThrow(/Clerk rejected the cookie/);
    await expect(cli(env, 'accounts', 'add', '--cookie', 'not a cookie')).rejects.toThrow(
      /does not look like an Orchids cookie/,
    );
    expect(JSON.parse((await cli(env, 'accounts', 'list', '--json')).out)).toEqual([]);
  });

  it('a pasted __session adds the account and prints, as it is, the advice to copy __client next time', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    const user = sim.addUser();
    const dataDir = tempDir();
    const { code, out } = await cli(
      envFor(dataDir, sim),
      'accounts',
      'add',
      '--cookie',
      await browserSessionToken(sim, user),
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
    const [added, notice] = out.split('\n');
    expect(added).toBe(`Added account 1: ${user.email}`); // named by its address, said once
    expect(notice).toMatch(
      new RegExp(
        String.raw`^You pasted the short-lived __session cookie\. .* next time copy __client instead: ` +
          String.raw`.*Application → Cookies → clerk\.orchids\.app\.$`,
      ),
    );
  });

  it('reads the cookie from a file, and enables, disables, renames, reweights and removes', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    const dataDir = tempDir();
    const env = envFor(dataDir, sim);
    const file = path.join(dataDir, 'cookie.txt');
    fs.writeFileSync(file, JSON.stringify([{ name: '__client', value: sim.addUser().clientCookie }]));
    await cli(env, 'accounts', 'add', '--cookie-file', file);
    await cli(env, 'accounts', 'disable', '1');
    await cli(env, 'accounts', 'rename', '1', 'Side', 'project');
    await cli(env, 'accounts', 'weight', '1', '7');
    expect(JSON.parse((await cli(env, 'accounts', 'list', '--json')).out)[0]).toMatchObject({
      enabled: false,
      name: 'Side project',
      weight: 7,
    });
    await cli(env, 'accounts', 'enable', '1');
    expect(JSON.parse((await cli(env, 'accounts', 'list', '--json')).out)[0].enabled).toBe(true);
    await expect(cli(env, 'accounts', 'weight', '1', '0')).rejects.toThrow(/Weight must be/);
    expect((await cli(env, 'accounts', 'remove', '1')).out).toBe('Removed account 1 (Side project).');
    await expect(cli(env, 'accounts', 'remove', '1')).rejects.toThrow(/No account with id 1/);
  });

  it('keeps the __client cookie Clerk rotates', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    const dataDir = tempDir();
    const user = sim.addUser();
    const original = user.clientCookie; // the SimUser object follows rotations; keep what was pasted
    await cli(envFor(dataDir, sim), 'accounts', 'add', '--cookie', original);
    const stored = (await import('../../main/core/db/database')).openDatabase(path.join(dataDir, 'orchids-tray.db'));
    const sealed = (stored.prepare('SELECT client_cookie FROM accounts').get() as { client_cookie: string })
      .client_cookie;
    stored.close();
    const current = sim.currentCookie(user.userId);
    expect(current).not.toBe(original); // Clerk did rotate it
    expect(sealed).not.toContain(current); // sealed at rest
    expect(new KeyFileSecretBox(dataDir).open(sealed)).toBe(current);
  });

  it('a change made while the app runs takes effect there without a restart', async () => {
    stack = await startStack({ accounts: 1, sim: ROTATING });
    const env = envFor(stack.dataDir, stack.sim);
    const ask = () => hiStatus(stack!.url);
    expect(await ask()).toBe(200);
    await cli(env, 'accounts', 'disable', String(stack.accountIds[0]));
    await until(async () => (await ask()) === 424, { what: 'the running app to refuse with the account disabled' });
    const second = stack.sim.addUser();
    await cli(env, 'accounts', 'add', '--cookie', second.clientCookie);
    await until(async () => (await ask()) === 200, { what: 'the running app to serve with the added account' });
    expect(stack.sim.requests.at(-1)!.userId).toBe(second.userId);
    await cli(env, 'settings', 'set', 'apiKey', 'test-cli-key-123');
    await until(async () => (await ask()) === 401, { what: 'the running app to ask for the API key set' });
  });
});

describe('npm run cli -- settings', () => {
  it('settings list names an environment variable as the source only when it is set', async () => {
    const dataDir = tempDir();
    const plain = (await cli({ ORCHIDS_TRAY_DATA_DIR: dataDir }, 'settings', 'list')).out;
    expect(plain).toMatch(/^port +3002 {2}\(default\)$/m);
    expect(plain).not.toContain('env ');
    await cli({ ORCHIDS_TRAY_DATA_DIR: dataDir }, 'settings', 'set', 'debugLogs', 'true');
    const overridden = (await cli({ ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '4100' }, 'settings', 'list'))
      .out;
    expect(overridden).toMatch(/^port +4100 {2}\(env ORCHIDS_TRAY_PORT\)$/m);
    expect(overridden).toMatch(/^debugLogs +true {2}\(database\)$/m);
  });

  it('settings get prints one setting as the list does, its view alone with --json, a secret masked', async () => {
    const dataDir = tempDir();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '4100' };
    expect((await cli(env, 'settings', 'get', 'port')).out).toMatch(/^port +4100 {2}\(env ORCHIDS_TRAY_PORT\)$/);
    await cli(env, 'settings', 'set', 'upstreamProtocol', 'sse-b');
    const view = JSON.parse((await cli(env, 'settings', 'get', 'upstreamProtocol', '--json')).out) as {
      key: string;
      value: unknown;
      source: string;
    };
    expect(view).toMatchObject({ key: 'upstreamProtocol', value: 'sse-b', source: 'database' });
    await cli(env, 'settings', 'set', 'apiKey', 'test-cli-key-get-1');
    const apiKey = (await cli(env, 'settings', 'get', 'apiKey')).out;
    expect(apiKey).toMatch(/^apiKey +"••••••••" {2}\(database\)$/);
    expect(apiKey).not.toContain('test-cli-key-get-1');
  });

  it('settings set under an environment variable says the value is stored and which value is in force', async () => {
    const env = { ORCHIDS_TRAY_DATA_DIR: tempDir(), ORCHIDS_TRAY_DEBUG_LOGS: '1' };
    expect((await cli(env, 'settings', 'set', 'debugLogs', 'false')).out).toBe(
      'debugLogs is stored, but ORCHIDS_TRAY_DEBUG_LOGS overrides it: true',
    );
    const list = (await cli({ ORCHIDS_TRAY_DATA_DIR: env.ORCHIDS_TRAY_DATA_DIR }, 'settings', 'list')).out;
    expect(list).toMatch(/^debugLogs +false {2}\(database\)$/m);
  });

  it('settings set takes a list comma-separated, as its variable does, or as a JSON array', async () => {
    const env = { ORCHIDS_TRAY_DATA_DIR: tempDir() };
    expect((await cli(env, 'settings', 'set', 'allowedOrigins', 'https://a.example, https://b.example')).out).toBe(
      'allowedOrigins = ["https://a.example","https://b.example"]',
    );
    expect((await cli(env, 'settings', 'set', 'allowedHosts', '["box.lan"]')).out).toBe('allowedHosts = ["box.lan"]');
    // A word that is not a list's items stays a word: a bare string for another setting is not split.
    expect((await cli(env, 'settings', 'set', 'thinkingMode', 'enabled')).out).toBe('thinkingMode = "enabled"');
    // A string setting may open with a bracket and still be no JSON: an IPv6 listen address.
    expect((await cli(env, 'settings', 'set', 'host', '[::1]')).out).toBe('host = "[::1]"');
  });

  it('settings set with a value of the wrong kind, or none, says so and stores nothing', async () => {
    const env = { ORCHIDS_TRAY_DATA_DIR: tempDir() };
    await cli(env, 'settings', 'set', 'apiKey', 'test-cli-key-123');
    // A forgotten value is refused, not stored as "": that would have cleared the key.
    await expect(cli(env, 'settings', 'set', 'apiKey')).rejects.toThrow(/^settings set apiKey needs a value /);
    expect((await cli(env, 'settings', 'list')).out).toMatch(/^apiKey +"••••••••" {2}\(database\)$/m);
    expect((await cli(env, 'settings', 'set', 'apiKey', '""')).out).toBe('apiKey = ""');
    await expect(cli(env, 'settings', 'set', 'debugLogs', 'maybe')).rejects.toThrow(
      /^debugLogs: expected true or false$/,
    );
    await expect(cli(env, 'settings', 'set', 'wsPoolSize', 'many')).rejects.toThrow(
      /^wsPoolSize: expected a whole number$/,
    );
    await expect(cli(env, 'settings', 'set', 'modelMap', '{"my-model": claude-sonnet-4-6}')).rejects.toThrow(
      /^modelMap: the value is not valid JSON: /,
    );
    await expect(cli(env, 'settings', 'set', 'allowedHosts', '5')).rejects.toThrow(
      /^allowedHosts: expected a list \(comma-separated, or a JSON array\)$/,
    );
    await expect(cli(env, 'settings', 'set', 'allowedHosts', 'box.lan,http://box.lan')).rejects.toThrow(
      /^allowedHosts: "http:\/\/box\.lan" is not a host name without a port, such as mybox\.lan$/,
    );
    // Out of bounds, or not whole: the bound in words, not zod's "Too big: expected number to be <=65535".
    await expect(cli(env, 'settings', 'set', 'port', '70000')).rejects.toThrow(/^port: must be at most 65,535$/);
    await expect(cli(env, 'settings', 'set', 'wsPoolSize', '0')).rejects.toThrow(/^wsPoolSize: must be at least \d+$/);
    await expect(cli(env, 'settings', 'set', 'wsPoolSize', '1.5')).rejects.toThrow(
      /^wsPoolSize: expected a whole number$/,
    );
  });
});

/**
 * Runs dist/main/cli.js as its own process and waits for it without blocking: a spawnSync holds this worker's event
 * loop for the whole start of a Node process (seconds on a busy machine), and five in one test came to 9.5 s in a
 * loaded run, half way to the stall watchdog's 20 s (test/helpers/watchdog.ts), which would kill the worker.
 */
function builtCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main/cli.js', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    // 'close', not 'exit': by then both pipes have been read to the end.
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('the built CLI binary', () => {
  beforeAll(buildEntryPoints);

  it('says a usage mistake in one line and where its help is, with exit code 2; lists as a real process', async () => {
    const dataDir = tempDir();
    const env = { ...process.env, ORCHIDS_TRAY_DATA_DIR: dataDir };
    const helps = ['help', '--help', '-h'];
    const [bad, badHelp, badFlag, list, badCommandHelp, badWeight, ...usages] = await Promise.all([
      builtCli(['acounts'], env),
      builtCli(['acounts', '--help'], env),
      builtCli(['accounts', 'list', '--bogus'], env),
      builtCli(['accounts', 'list', '--json'], env),
      builtCli(['accounts', 'lst', '--help'], env),
      // A data folder of its own: two processes creating one database at once may find it busy.
      builtCli(['accounts', 'weight', '1', '0'], { ...env, ORCHIDS_TRAY_DATA_DIR: tempDir() }),
      ...helps.map((help) => builtCli([help], env)),
    ]);
    // The mistake stays on screen: the whole help under it would push it off.
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'Unknown command "acounts". Did you mean "accounts"?\nRun `npm run cli -- --help` for the commands.\n',
    );
    // Help for a command that is not one is that mistake too, not every command with exit code 0.
    expect(badHelp).toMatchObject({ status: 2, stdout: '', stderr: bad.stderr });
    const accountsPointer = 'Run `npm run cli -- accounts --help` for its commands and options.\n';
    expect(badCommandHelp).toMatchObject({ status: 2, stdout: '' });
    expect(badCommandHelp.stderr).toMatch(/^Unknown accounts command "lst"\. Did you mean "list"\? accounts takes: /);
    expect(badCommandHelp.stderr.endsWith(`weight.\n${accountsPointer}`)).toBe(true);
    // A weight the contract refuses is the same kind of slip as an unknown flag (any note above is about other apps).
    expect(badWeight).toMatchObject({ status: 2, stdout: '' });
    expect(badWeight.stderr).toMatch(/(^|\n)weight: Weight must be a whole number from 1 to 100\.\n/);
    expect(badWeight.stderr.endsWith(accountsPointer)).toBe(true);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toBe(
      'Unknown option --bogus.\nRun `npm run cli -- accounts --help` for its commands and options.\n',
    );
    for (const mistake of [bad, badFlag])
      expect(mistake.stdout + mistake.stderr).not.toContain('accounts list [--json]');
    // The help it points at covers the command typed wrong.
    const pointed = /`npm run cli -- (.+)`/.exec(badFlag.stderr)![1]!.split(' ');
    const help = await builtCli(pointed, env);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('accounts list [--json]');
    usages.forEach((usage, i) => {
      expect(usage.status, helps[i]).toBe(0);
      expect(usage.stdout, helps[i]).toContain('accounts add --cookie-file <path>');
      expect(usage.stdout, helps[i]).toContain('settings set <key>');
    });
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    // Ten processes of the real CLI, nine at once: each starts Node and the app's modules. On two busy cores (a CI
    // run beside other work) that took past the suite's 20 s once; what it checks is words and exit codes, not time.
  }, 60_000);

  it('names a request id not in history with exit code 1 and no usage text', async () => {
    const env = { ...process.env, ORCHIDS_TRAY_DATA_DIR: tempDir() };
    const show = await builtCli(['logs', 'show', 'req_missing'], env);
    expect(show.status).toBe(1);
    expect(show.stderr).toMatch(/^No request req_missing in history\.$/m);
    expect(show.stderr).not.toContain('npm run cli --');
  });

  it('names a cookie file it cannot read in one line, with exit code 1 and no stack trace', async () => {
    const dataDir = tempDir();
    const env = { ...process.env, ORCHIDS_TRAY_DATA_DIR: dataDir };
    const missing = path.join(dataDir, 'no-such-cookie.txt');
    const add = (file: string) => builtCli(['accounts', 'add', '--cookie-file', file], env);
    const gone = await add(missing);
    expect(gone.status).toBe(1);
    // Only the line, and no stack (any note above it is about other apps running on this machine).
    const lastLine = (stderr: string) => stderr.trimEnd().split('\n').at(-1);
    expect(lastLine(gone.stderr)).toBe(`Cannot read the cookie file ${missing}: there is no such file.`);
    expect(gone.stderr).not.toMatch(/^\s+at /m);
    const folder = await add(dataDir);
    expect(folder.status).toBe(1);
    expect(lastLine(folder.stderr)).toBe(`Cannot read the cookie file ${dataDir}: it is a folder.`);
  });
});

describe('npm run cli -- logs', () => {
  it('--follow prints one line per request from the running app, and plain logs reads history', async () => {
    // History is written a minute late here, so plain `logs` sees the request only if the app writes its queue
    // when asked (as it does, so that a request that just finished is listed).
    stack = await startStack({ accounts: 1, sim: ROTATING, core: { countFlushMs: 60_000 } });
    const { attachAppControl } = await import('../../main/core/control/app-control');
    const { followLogs } = await import('../../main/cli-logs');
    const { connectCli } = await import('../../main/cli-connection');
    attachAppControl(stack.core, { distDir: tempDir() }).announce(stack.url);
    // The CLI is another process in real life: it finds the app through the data folder's runtime file.
    const connection = connectCli(envFor(stack.dataDir, stack.sim), () => {});
    const lines: string[] = [];
    const stop = new AbortController();
    const following = followLogs(connection, (line) => lines.push(line), stop.signal);
    await until(() => lines.some((line) => line.startsWith('Following')));
    const response = await postMessages(stack.url);
    await response.body.dump();
    const requestId = String(response.headers['request-id']);
    await until(() => lines.some((line) => line.includes(requestId)), { what: `a --follow line for ${requestId}` });
    stop.abort();
    await following;
    await connection.close();
    const line = lines.find((l) => l.includes(requestId))!;
    expect(line).toMatch(
      new RegExp(
        String.raw` 200 {2}claude-sonnet-4-6 {2}#\d+ Account 1 {2}via ws {2}in 12 out 7 tok {2}` +
          String.raw`first byte \d+ ms {2}took \d+ ms {2}end_turn {2}req_`,
      ),
    );

    const history = await cli(envFor(stack.dataDir, stack.sim), 'logs', '--limit', '5');
    expect(history.out).toContain(requestId);
    const shown = await cli(envFor(stack.dataDir, stack.sim), 'logs', 'show', requestId);
    expect(JSON.parse(shown.out)).toMatchObject({ history: { requestId, status: 200 } });
  });

  it('--follow --limit N prints the last N requests first, as tail -n N -f does, then follows', async () => {
    stack = await startStack({ accounts: 1, sim: ROTATING });
    const { attachAppControl } = await import('../../main/core/control/app-control');
    attachAppControl(stack.core, { distDir: tempDir() }).announce(stack.url);
    const send = async () => {
      const response = await postMessages(stack!.url);
      await response.body.dump();
      return String(response.headers['request-id']);
    };
    const [first, second, third] = [await send(), await send(), await send()];
    const lines: string[] = [];
    const env = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, ...envFor(stack.dataDir, stack.sim) };
    const following = runCli(
      ['logs', '--follow', '--limit', '2'],
      (line) => lines.push(line),
      env,
      () => {},
    );
    await until(() => lines.some((line) => line.startsWith('Following')));
    const fourth = await send();
    await until(() => lines.some((line) => line.includes(fourth)), { what: `a --follow line for ${fourth}` });
    // The app stopping ends the command, as it ends a person's --follow.
    await stack.stop();
    stack = undefined;
    expect(await following).toBe(0);
    const shown = lines.map((line) => [first, second, third, fourth].find((id) => line.includes(id)) ?? line);
    expect(shown).toEqual([second, third, expect.stringMatching(/^Following /), fourth, 'Orchids Tray stopped.']);
  });

  it('--json and --csv print the same rows, newest first, from the data folder, and --limit cuts both', async () => {
    stack = await startStack({ accounts: 1, sim: ROTATING });
    expect(await hiStatus(stack.url)).toBe(200);
    stack.sim.enqueue({ steps: creditsExhausted('Out of credits, "really"\nfor now') });
    expect(await hiStatus(stack.url)).toBeGreaterThanOrEqual(400);
    const { dataDir } = stack;
    // The app is gone: the CLI reads the data folder itself, as after a day's work.
    await stack.stop();
    stack = undefined;
    sim = await OrchidsSimulator.start(ROTATING);
    const env = envFor(dataDir, sim);

    const json = await cli(env, 'logs', '--json');
    const rows = JSON.parse(json.out) as HistoryView[];
    expect(rows).toHaveLength(2);
    expect(rows[0]!.status).toBeGreaterThanOrEqual(400);
    expect(rows[0]!.errorMessage).toBeTruthy();
    expect(rows[1]).toMatchObject({ status: 200, model: 'claude-sonnet-4-6', inputTokens: 12, outputTokens: 7 });
    expect(rows[0]!.id).toBeGreaterThan(rows[1]!.id);

    const csv = await cli(env, 'logs', '--csv');
    expect(csv.code).toBe(0);
    // What stdout receives: the line writer adds the final LF, which completes the last record's CRLF.
    const written = `${csv.out}\n`;
    expect(written).toBe(historyCsv(rows, new Map([[rows[0]!.accountId!, 'Account 1']])));
    expect(written.endsWith('\r\n')).toBe(true);
    const records = parseCsv(written);
    expect(records[0]).toEqual(HISTORY_CSV_HEADER);
    expect(records).toHaveLength(3);
    const at = (record: string[], column: string) => record[HISTORY_CSV_HEADER.indexOf(column)];
    for (const [i, row] of rows.entries()) {
      const record = records[i + 1]!;
      expect(at(record, 'request_id')).toBe(row.requestId);
      expect(at(record, 'time')).toBe(new Date(row.startedAt).toISOString());
      expect(at(record, 'status')).toBe(String(row.status));
      expect(at(record, 'account')).toBe('Account 1');
      expect(at(record, 'error_message')).toBe(row.errorMessage ?? '');
      expect(at(record, 'input_tokens')).toBe(String(row.inputTokens));
    }

    const one = await cli(env, 'logs', '--csv', '--limit', '1');
    expect(parseCsv(`${one.out}\n`).map((r) => at(r, 'request_id'))).toEqual(['request_id', rows[0]!.requestId]);
    expect((JSON.parse((await cli(env, 'logs', '--json', '--limit', '1')).out) as HistoryView[]).length).toBe(1);
  });

  it('refuses --json with --csv, and either with --follow or show, before touching the data folder', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    const dataDir = tempDir();
    const env = envFor(dataDir, sim);
    await expect(cli(env, 'logs', '--json', '--csv')).rejects.toThrow('logs takes --json or --csv, not both.');
    await expect(cli(env, 'logs', '--csv', '--follow')).rejects.toThrow(/^logs --follow .* takes no --csv\.$/);
    await expect(cli(env, 'logs', 'show', 'req_x', '--json')).rejects.toThrow(/^logs show .* takes no --json\.$/);
    await expect(cli(env, 'logs', '--json', '--follow')).rejects.toBeInstanceOf(UsageError);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('--follow says clearly when the app is not running', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    await expect(cli(envFor(tempDir(), sim), 'logs', '--follow')).rejects.toThrow(/Orchids Tray is not running/);
  });
});

describe('npm run cli -- proxy', () => {
  it('pauses and resumes the running app, and says what it serves', async () => {
    stack = await startStack({ accounts: 1, sim: ROTATING });
    const { attachAppControl } = await import('../../main/core/control/app-control');
    attachAppControl(stack.core, { distDir: tempDir() }).announce(stack.url);
    const env = envFor(stack.dataDir, stack.sim);
    // Two requests: auto tries ws first, so one socket is dialled and then reused.
    for (let i = 0; i < 2; i++) expect(await hiStatus(stack.url)).toBe(200);
    await until(() => stack!.core.internals.ws.stats.idle === 1);
    const status = await cli(env, 'proxy', 'status');
    // No clock line: the clocks agree.
    expect(status.out).toBe(
      `Running: 1 account ready.\nProxy: ${stack.url}\n` +
        'WebSocket pool: 1 open (1 idle), 1 dial, 1 reuse, 0 retries, 0 strays',
    );
    // The group alone is its status, as `logs` alone is the history: the same lines, the pool's counters unchanged.
    expect(await cli(env, 'proxy')).toEqual({ code: 0, out: status.out, notes: [] });

    const paused = await cli(env, 'proxy', 'pause');
    expect(paused.out).toMatch(/^Paused: New requests are refused until you resume\./);
    expect(paused.out).not.toContain('WebSocket pool'); // pause and resume say what they changed, no more
    expect(stack.core.proxy.status().paused).toBe(true);
    expect(await hiStatus(stack.url)).toBe(529);

    expect((await cli(env, 'proxy', 'resume')).out).toMatch(/^Running: /);
    expect(await hiStatus(stack.url)).toBe(200);
  });

  it('says there is nothing to pause or show when no app runs, and refuses an unknown proxy command', async () => {
    sim = await OrchidsSimulator.start(ROTATING);
    await expect(cli(envFor(tempDir(), sim), 'proxy', 'pause')).rejects.toThrow(/not running .* nothing to pause/);
    // Its status, asked for by name or by the group alone, is one there is none of: said so, not "nothing to status".
    for (const args of [['proxy', 'status'], ['proxy']]) {
      await expect(cli(envFor(tempDir(), sim), ...args)).rejects.toThrow(
        /^Orchids Tray is not running for \S+, so there is no proxy status to show\. Start it with npm run headless /,
      );
    }
    await expect(cli(envFor(tempDir(), sim), 'proxy', 'stop')).rejects.toThrow(/Unknown proxy command "stop"/);
  });
});
