import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ContractError, type OrchidsApi } from '../contract/api';
import { describeCreditsCheck } from '../contract/credits';
import { commaList } from '../contract/lists';
import type { Input } from '../contract/schemas';
import { OUT_WORDS } from '../contract/serving';
import type { AccountView } from '../contract/views';
import { formatWait } from './core/accounts/account-states';
import { ConfigError } from './core/config';
import { SETTING_DEFINITIONS, type SettingKey } from './core/settings/definitions';
import { SettingError } from './core/settings/settings-service';
import { connectCli, type CliConnection } from './cli-connection';
import { printDashboardLink, rotateInstallToken } from './cli-dashboard';
import { formatAccountTest } from '../contract/account-test';
import { followLogs, printHistory, printRecord } from './cli-logs';
import { proxyCommand } from './cli-proxy';

const USAGE = `Orchids Tray command line: manage accounts and settings, with or without the app running.

  npm run cli -- accounts add --cookie <value> [--name <name>] [--weight <1-100>]
  npm run cli -- accounts add --cookie-file <path> [--name <name>] [--weight <1-100>]
  npm run cli -- accounts list [--json]
  npm run cli -- accounts enable <id> | disable <id> | remove <id> | reset <id>
  npm run cli -- accounts rename <id> <name> | weight <id> <1-100>
  npm run cli -- accounts credits [<id>] [--json]     read plan and credits from orchids.app now
  npm run cli -- accounts test <id> [--protocol ws|sse-b|sse-a] [--all] [--model <id>] [--json]
                                                      one short real request: does the account work, over what
  npm run cli -- logs [--limit <n>]                   recent requests, from history
  npm run cli -- logs show <request-id>               one request's debug record (or history row)
  npm run cli -- logs --follow                        live: one line per request from the running app
  npm run cli -- settings list [--json]
  npm run cli -- settings set <key> <json value>      e.g. debugLogs true; a word or a list a,b needs no quotes
  npm run cli -- settings reset <key>
  npm run cli -- dashboard                            a fresh one-time sign-in link from the running app
  npm run cli -- token rotate                         a new install token: every dashboard browser signs in again
  npm run cli -- proxy status | pause | resume        the running app: is it serving; pause refuses new requests

The cookie is the value of the __client cookie from orchids.app (or a whole Cookie header, or a browser cookie
export as JSON). Prefer --cookie-file: a cookie typed on the command line lands in your shell history.
While Orchids Tray runs on the same data folder, commands go to it and take effect before they return; otherwise
the CLI opens the data folder (ORCHIDS_TRAY_DATA_DIR, or the app's default) itself.`;

class UsageError extends Error {}
/** A well-formed command that cannot be done (a request id not in history): its message alone, without the usage. */
class CommandError extends Error {}

type Line = (line: string) => void;

/**
 * Runs one command. `out` is the command's output (stdout); `note` is for what the person should know besides
 * (stderr): which data folder was used when an app runs on another one.
 */
export async function runCli(
  argv: string[],
  out: Line = console.log,
  env: NodeJS.ProcessEnv = process.env,
  note: Line = console.error,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      cookie: { type: 'string' },
      'cookie-file': { type: 'string' },
      name: { type: 'string' },
      weight: { type: 'string' },
      json: { type: 'boolean', default: false },
      follow: { type: 'boolean', short: 'f', default: false },
      limit: { type: 'string' },
      protocol: { type: 'string' },
      all: { type: 'boolean', default: false },
      model: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [group, command, ...rest] = positionals;
  // `help` too: it is the word a newcomer tries first.
  const help = values.help || group === 'help';
  if (help || !group) {
    out(USAGE);
    return help ? 0 : 2;
  }
  if (!['accounts', 'settings', 'logs', 'dashboard', 'token', 'proxy'].includes(group))
    throw new UsageError(`Unknown command "${group}".`);
  if (group === 'proxy' && !['status', 'pause', 'resume', undefined].includes(command))
    throw new UsageError(`Unknown proxy command "${command ?? ''}".`);
  if (group === 'dashboard' && command !== undefined) throw new UsageError('dashboard takes no arguments.');
  if (group === 'token' && command !== 'rotate') throw new UsageError(`Unknown token command "${command ?? ''}".`);
  const connection = connectCli(env, note);
  try {
    // `accounts test` alone may answer 1: the account does not work, which a script can act on.
    if (group === 'accounts') return (await accounts(connection.api, command, rest, values, out, note)) ?? 0;
    else if (group === 'settings') await settings(connection.api, command, rest, values.json ?? false, out);
    else if (group === 'logs')
      await logs(connection, command, rest, { follow: values.follow ?? false, limit: values.limit }, out);
    else if (group === 'dashboard') await printDashboardLink(connection, out);
    else if (group === 'proxy') await proxyCommand(connection, command, out);
    else await rotateInstallToken(connection, out);
    return 0;
  } finally {
    await connection.close();
  }
}

async function accounts(
  api: OrchidsApi,
  command: string | undefined,
  args: string[],
  flags: {
    cookie?: string;
    'cookie-file'?: string;
    name?: string;
    weight?: string;
    json?: boolean;
    protocol?: string;
    all?: boolean;
    model?: string;
  },
  out: Line,
  note: Line,
): Promise<number | undefined> {
  const id = (): number => {
    const value = Number(args[0]);
    if (!Number.isInteger(value) || value <= 0)
      throw new UsageError(`accounts ${command} needs an account id (see accounts list).`);
    return value;
  };
  switch (command) {
    case 'add': {
      const cookie = flags['cookie-file'] ? readCookieFile(flags['cookie-file']) : flags.cookie;
      if (!cookie) throw new UsageError('accounts add needs --cookie <value> or --cookie-file <path>.');
      const weight = flags.weight === undefined ? undefined : Number(flags.weight);
      const { account, created, notice } = await api.accounts.add({ cookie, name: flags.name, weight });
      out(`${created ? 'Added' : 'Updated'} account ${account.id}: ${account.name} <${account.email}>`);
      if (notice) out(notice);
      // Advice, not output: stdout stays the one line a script reads.
      if (created) note(`Test it with one short request: npm run cli -- accounts test ${account.id}`);
      return;
    }
    case 'list': {
      const list = await api.accounts.list();
      if (flags.json) out(JSON.stringify(list.map(publicFields), null, 2));
      else out(table(list));
      return;
    }
    case 'credits': {
      const result = await api.accounts.checkCredits(args[0] === undefined ? {} : { id: id() });
      if (flags.json) {
        // The list's own fields, plus what this check did for each account it was for (read, failed or skipped).
        const outcomes = new Map(result.outcomes.map(({ id, ...outcome }) => [id, outcome]));
        const withOutcomes = result.accounts.map((a) => ({
          ...publicFields(a),
          creditsCheck: outcomes.get(a.id) ?? null,
        }));
        out(JSON.stringify(withOutcomes, null, 2));
      } else out(`${table(result.accounts)}\n\n${describeCreditsCheck(result)}`);
      return;
    }
    case 'test': {
      // The protocol is checked where every client's input is: a wrong one comes back as the contract's message.
      const result = await api.accounts.test({
        id: id(),
        ...(flags.protocol === undefined ? {} : { protocol: flags.protocol as Input<'accounts:test'>['protocol'] }),
        ...(flags.all ? { all: true } : {}),
        ...(flags.model === undefined ? {} : { model: flags.model }),
      });
      out(flags.json ? JSON.stringify(result, null, 2) : formatAccountTest(result));
      return result.works ? 0 : 1;
    }
    case 'enable':
    case 'disable': {
      const account = await api.accounts.update({ id: id(), enabled: command === 'enable' });
      out(`Account ${account.id} (${account.name}) ${command}d.`);
      return;
    }
    case 'remove': {
      const { removed, name } = await api.accounts.remove({ id: id() });
      out(`Removed account ${removed} (${name}).`);
      return;
    }
    case 'reset': {
      const account = await api.accounts.reset({ id: id() });
      out(`Account ${account.id} (${account.name}) is ready again.`);
      return;
    }
    case 'rename': {
      const name = args.slice(1).join(' ');
      out(`Renamed account ${(await api.accounts.update({ id: id(), name })).id} to ${name}.`);
      return;
    }
    case 'weight': {
      const account = await api.accounts.update({ id: id(), weight: Number(args[1]) });
      out(`Account ${account.id} now has weight ${account.weight}.`);
      return;
    }
    default:
      throw new UsageError(`Unknown accounts command "${command ?? ''}".`);
  }
}

/** The file's text, or a one-line reason it cannot be read (a stack trace helps nobody who mistyped a path). */
function readCookieFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'you may not read it'
            : (error as Error).message;
    throw new CommandError(`Cannot read the cookie file ${file}: ${why}.`);
  }
}

async function settings(
  api: OrchidsApi,
  command: string | undefined,
  args: string[],
  json: boolean,
  out: Line,
): Promise<void> {
  // The key is checked where every client's is: an unknown one comes back with the list of known ones.
  const key = (): string => {
    if (!args[0]) throw new UsageError(`settings ${command} needs a setting name (see settings list).`);
    return args[0];
  };
  switch (command) {
    case 'list': {
      const view = await api.settings.get();
      if (json) out(JSON.stringify(view, null, 2));
      else
        // `env` names the variable that would override a setting; it is the source only when it is set.
        for (const s of view) {
          const source = s.source === 'environment' ? `env ${s.env}` : s.source;
          out(`${s.key.padEnd(22)} ${JSON.stringify(s.value)}  (${source})`);
        }
      return;
    }
    case 'set': {
      const name = key();
      // Without this, a forgotten value stored "": `settings set apiKey` alone cleared the key and opened the proxy.
      if (args.length < 2)
        throw new UsageError(
          `settings set ${name} needs a value (for "", write '""'; settings reset ${name} restores the default).`,
        );
      const raw = args.slice(1).join(' ');
      const fallback = Object.hasOwn(SETTING_DEFINITIONS, name)
        ? SETTING_DEFINITIONS[name as SettingKey].default
        : undefined;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        // A bare word is a string. For a setting that is no string (the model map, a list), text that opens like an
        // object or a list meant JSON: a typo in it is named, not stored as a string or reported as the wrong kind.
        if (typeof fallback !== 'string' && /^\s*[[{]/.test(raw))
          throw new CommandError(`${name}: the value is not valid JSON: ${(error as Error).message}`);
        value = raw;
      }
      // A list is written as its variable and the window's field take it: `settings set allowedHosts a.lan,b.lan`.
      if (typeof value === 'string' && Array.isArray(fallback)) value = commaList(value);
      const view = (await api.settings.set({ key: name, value })).find((s) => s.key === name)!;
      // Under a variable the view holds the value in force, not the one stored (which may be a secret: not echoed).
      if (view.source === 'environment')
        out(`${name} is stored, but ${view.env} overrides it: ${JSON.stringify(view.value)}`);
      else out(`${name} = ${JSON.stringify(view.value)}`);
      return;
    }
    case 'reset': {
      const name = key();
      await api.settings.reset({ key: name });
      out(`${name} is back to its default.`);
      return;
    }
    default:
      throw new UsageError(`Unknown settings command "${command ?? ''}".`);
  }
}

async function logs(
  connection: CliConnection,
  command: string | undefined,
  args: string[],
  flags: { follow: boolean; limit?: string },
  out: Line,
): Promise<void> {
  if (command === 'show') {
    if (!args[0]) throw new UsageError('logs show needs a request id (the req_… at the end of each line).');
    if (!(await printRecord(connection.api, args[0], out))) throw new CommandError(`No request ${args[0]} in history.`);
    return;
  }
  if (command !== undefined) throw new UsageError(`Unknown logs command "${command}".`);
  if (flags.follow) {
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    await followLogs(connection, out, stop.signal);
    return;
  }
  const limit = flags.limit === undefined ? 30 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit takes a number from 1 to 1000.');
  await printHistory(connection.api, limit, out);
}

function publicFields(account: AccountView) {
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    enabled: account.enabled,
    weight: account.weight,
    requestCount: account.requestCount,
    status: account.status,
    statusReason: account.statusReason,
    statusUntil: account.statusUntil === null ? null : new Date(account.statusUntil).toISOString(),
    protocol: account.protocol || null,
    lastUsedAt: account.lastUsedAt === null ? null : new Date(account.lastUsedAt).toISOString(),
    credits: account.credits && {
      plan: account.credits.plan,
      left: account.credits.left,
      monthlyLimit: account.credits.monthlyLimit,
      checkedAt: new Date(account.credits.checkedAt).toISOString(),
    },
  };
}

/** `PRO 96,571 left`, or a dash until the first read. */
export function describeCredits(credits: AccountView['credits']): string {
  return credits ? `${credits.plan} ${credits.left.toLocaleString('en-US')} left` : '-';
}

function table(list: AccountView[]): string {
  if (list.length === 0) return 'No accounts. Add one with: npm run cli -- accounts add --cookie-file <path>';
  const rows = list.map((a) => [
    String(a.id),
    a.name,
    a.email,
    a.enabled ? 'yes' : 'no',
    String(a.weight),
    String(a.requestCount),
    a.protocol || '-',
    describeCredits(a.credits),
    describeState(a),
  ]);
  const header = ['ID', 'NAME', 'EMAIL', 'ENABLED', 'WEIGHT', 'REQUESTS', 'PROTOCOL', 'CREDITS', 'STATE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

export function describeState(
  account: Pick<AccountView, 'status' | 'statusReason' | 'statusUntil'>,
  now = Date.now(),
): string {
  if (account.status === 'ready') return 'ready';
  const until =
    account.statusUntil !== null && account.statusUntil > now
      ? ` (until ${new Date(account.statusUntil).toLocaleTimeString()}, in ${formatWait(account.statusUntil - now)})`
      : '';
  return `${OUT_WORDS[account.status]}${until}${account.statusReason ? `: ${account.statusReason}` : ''}`;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n\n${USAGE}`);
        process.exit(2);
      }
      const message = String((error as Error)?.message);
      const known =
        error instanceof ContractError ||
        error instanceof SettingError ||
        error instanceof ConfigError ||
        error instanceof CommandError;
      if (known || /^(Orchids Tray|Cannot reach)/.test(message)) {
        console.error(message);
        process.exit(1);
      }
      if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        console.error(`${(error as Error).message}\n\n${USAGE}`);
        process.exit(2);
      }
      console.error(error);
      process.exit(1);
    },
  );
}
