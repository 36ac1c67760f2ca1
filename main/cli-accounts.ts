import fs from 'node:fs';
import path from 'node:path';
import type { OrchidsApi } from '../contract/api';
import { formatAccountTest } from '../contract/account-test';
import { describeCreditsCheck } from '../contract/credits';
import type { Input } from '../contract/schemas';
import { OUT_WORDS } from '../contract/serving';
import type { AccountView } from '../contract/account-views';
import { formatWait } from './core/accounts/account-states';
import { CLI_ADD_ACCOUNT, WHERE_CLIENT_LIVES } from './core/accounts/cookie-parser';
import { cliCommand } from './core/util/cli-command';
import { CommandError, UsageError, unknownSubcommand, type Line } from './cli-errors';
import { SUBCOMMANDS } from './cli-help';

/** `npm run cli -- accounts …`: answers an exit code only when the command has one of its own (`test`). */
export async function accounts(
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
  /** The folder the command was typed in, which a relative --cookie-file is read from (see typedIn in cli.ts). */
  cwd: string = process.cwd(),
): Promise<number | undefined> {
  const id = (): number => {
    if (args[0] === undefined) throw new UsageError(`accounts ${command} needs an account id (see accounts list).`);
    const value = Number(args[0]);
    // Saying "needs an id" to someone who typed one (a name, an e-mail) sends them looking for the wrong mistake.
    if (!/^\d+$/.test(args[0]) || !Number.isSafeInteger(value) || value <= 0)
      throw new UsageError(
        `accounts ${command}: "${args[0]}" is not an account id; ` +
          'ids are the numbers in the ID column of accounts list.',
      );
    return value;
  };
  switch (command) {
    case 'add': {
      // Reading one and dropping the other unsaid would add an account other than the one meant.
      if (flags['cookie-file'] !== undefined && flags.cookie !== undefined)
        throw new UsageError('accounts add takes --cookie-file or --cookie, not both.');
      const cookie = flags['cookie-file'] ? readCookieFile(flags['cookie-file'], cwd) : flags.cookie;
      // Only a missing flag is a usage slip: an empty file or value was given, and is named as the empty cookie it is.
      if (cookie === undefined) throw new UsageError('accounts add needs --cookie-file <path> (or --cookie <value>).');
      if (!cookie.trim()) {
        const given = flags['cookie-file'] ? `The cookie file ${flags['cookie-file']}` : '--cookie';
        throw new CommandError(`${given} is empty: it needs the value of the __client cookie, ${WHERE_CLIENT_LIVES}.`);
      }
      const weight = flags.weight === undefined ? undefined : wholeNumber(flags.weight);
      const { account, created, notice } = await api.accounts.add({ cookie, name: flags.name, weight });
      // An account added without a name is named by its e-mail address, which then needs saying once.
      const who = account.name === account.email ? account.email : `${account.name} <${account.email}>`;
      out(`${created ? 'Added' : 'Updated'} account ${account.id}: ${who}`);
      if (notice) out(notice);
      // Advice, not output: stdout stays the one line a script reads.
      if (created) note(`Test it with one short request: ${cliCommand(`accounts test ${account.id}`)}`);
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
      // --all goes on past the first protocol that answers; with one protocol there is none to go on to.
      if (flags.all && flags.protocol !== undefined)
        throw new UsageError('accounts test takes --protocol (one protocol) or --all (every one), not both.');
      // Without an id, every enabled account in turn: "which of my accounts work now?" in one command.
      const ids =
        args[0] === undefined ? (await api.accounts.list()).filter((a) => a.enabled).map((a) => a.id) : [id()];
      if (ids.length === 0) throw new CommandError('No enabled account to test (see accounts list).');
      const results = [];
      for (const accountId of ids) {
        // The protocol is checked where every client's input is: a wrong one comes back as the contract's message.
        const result = await api.accounts.test({
          id: accountId,
          ...(flags.protocol === undefined ? {} : { protocol: flags.protocol as Input<'accounts:test'>['protocol'] }),
          ...(flags.all ? { all: true } : {}),
          ...(flags.model === undefined ? {} : { model: flags.model }),
        });
        if (!flags.json) out(`${results.length ? '\n' : ''}${formatAccountTest(result)}`);
        results.push(result);
      }
      // One account: its result, as before; several: a list, in the order tested.
      if (flags.json) out(JSON.stringify(args[0] === undefined ? results : results[0], null, 2));
      // Each account's report runs to a screen: what they came to, in accounts list's columns, is read at the end.
      else if (args[0] === undefined)
        out(
          `\n${columns(
            ['ID', 'NAME', 'PROTOCOL', 'RESULT'],
            results.map((r) => [String(r.id), r.name, r.works ?? '-', r.works ? 'works' : 'does not work']),
          )}`,
        );
      return results.every((r) => r.works) ? 0 : 1;
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
      const accountId = id();
      if (args[1] === undefined) throw new UsageError('accounts rename needs a name: accounts rename <id> <name>.');
      const name = args.slice(1).join(' ');
      out(`Renamed account ${(await api.accounts.update({ id: accountId, name })).id} to ${name}.`);
      return;
    }
    case 'weight': {
      const accountId = id();
      if (args[1] === undefined) throw new UsageError('accounts weight needs a weight: accounts weight <id> <1-100>.');
      const account = await api.accounts.update({ id: accountId, weight: wholeNumber(args[1]) });
      out(`Account ${account.id} now has weight ${account.weight}.`);
      return;
    }
    default:
      throw unknownSubcommand('accounts', command, SUBCOMMANDS.accounts);
  }
}

/**
 * Digits alone, else NaN for the contract to refuse in its own words: Number() would take 0x10, 1e1 or " 5" as a
 * weight nobody typed.
 */
function wholeNumber(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : NaN;
}

/**
 * The file's text, or a one-line reason it cannot be read (a stack trace helps nobody who mistyped a path). A relative
 * path is read from `cwd`, and named in full when it cannot be: which folder it was looked for in is the likely slip.
 */
function readCookieFile(file: string, cwd: string): string {
  const full = path.resolve(cwd, file);
  try {
    return fs.readFileSync(full, 'utf8');
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
    const named = full === file ? file : `${file} (${full})`;
    throw new CommandError(`Cannot read the cookie file ${named}: ${why}.`);
  }
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
  // The app's start line says the same, in the same words (main/headless.ts).
  if (list.length === 0) return `No accounts yet. Add one with: ${CLI_ADD_ACCOUNT}`;
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
  return columns(['ID', 'NAME', 'EMAIL', 'ENABLED', 'WEIGHT', 'REQUESTS', 'PROTOCOL', 'CREDITS', 'STATE'], rows);
}

/** A header and rows in columns two spaces apart; the last column is left ragged. */
function columns(header: string[], rows: string[][]): string {
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
