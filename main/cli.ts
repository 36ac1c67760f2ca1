import { parseArgs } from 'node:util';
import { ContractError } from '../contract/api';
import { INVOKE } from '../contract/schemas';
import { ConfigError } from './core/config';
import { SettingError } from './core/settings/settings-service';
import { startFailureLine } from './core/util/start-errors';
import { accounts } from './cli-accounts';
import { connectCli, type CliConnection } from './cli-connection';
import { printDashboardLink, rotateInstallToken } from './cli-dashboard';
import { exportHistory, followLogs, printHistory, printRecord } from './cli-logs';
import { CommandError, didYouMean, UsageError, unknownSubcommand, type Line } from './cli-errors';
import { helpPointer, isGroup, OPTIONS, SUBCOMMANDS, TAKES, unknownCommand, usage, type Takes } from './cli-help';
import { proxyCommand } from './cli-proxy';
import { settings } from './cli-settings';
import { typedIn, withTypedInPaths } from '../scripts/typed-in.mjs';

/**
 * Runs one command. `out` is the command's output (stdout); `note` is for what the person should know besides
 * (stderr): which data folder was used when an app runs on another one.
 */
export async function runCli(
  argv: string[],
  out: Line = console.log,
  givenEnv: NodeJS.ProcessEnv = process.env,
  note: Line = console.error,
): Promise<number> {
  // A relative ORCHIDS_TRAY_DATA_DIR (or CA file) from the folder the command was typed in, as the app started there
  // reads it (scripts/typed-in.mjs), so `npm run cli` finds that app.
  const env = withTypedInPaths(givenEnv);
  const { values, positionals, tokens } = parse(argv);
  const [group, command, ...rest] = positionals;
  // `help` too: it is the word a newcomer tries first. With a group (`accounts --help`, `help accounts`): its part.
  if (values.help || group === 'help') {
    const [topic, subcommand] = group === 'help' ? [command, rest[0]] : [group, command];
    // Help for a command that is not one (`acounts --help`, `help nope`, `accounts lst --help`) is the slip `acounts`
    // is, with its guess: the help with exit code 0 hid the mistake and answered a script as if the command existed.
    if (topic !== undefined && topic !== 'help' && !isGroup(topic)) throw unknownCommand(topic);
    if (isGroup(topic) && subcommand !== undefined) checkCommand(topic, subcommand);
    out(usage(env, topic));
    return 0;
  }
  // Nothing typed is no mistake to keep on screen: the whole help is what there is to say.
  if (!group) {
    out(usage(env));
    return 2;
  }
  if (!isGroup(group)) throw unknownCommand(group);
  checkCommand(group, command);
  const typed = tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : []));
  checkRepeats(typed);
  if (group === 'logs') checkLogsFormat(command, values);
  checkTakes(group, command, rest, typed);
  const connection = connectCli(env, note);
  try {
    // `accounts test` alone may answer 1: the account does not work, which a script can act on.
    if (group === 'accounts')
      return (await accounts(connection.api, command, rest, values, out, note, typedIn(env))) ?? 0;
    else if (group === 'settings') await settings(connection.api, command, rest, values.json ?? false, out);
    else if (group === 'logs')
      await logs(
        connection,
        command,
        rest,
        { follow: values.follow ?? false, limit: values.limit, json: values.json ?? false, csv: values.csv ?? false },
        out,
      );
    else if (group === 'dashboard') await printDashboardLink(connection, out);
    else if (group === 'proxy') await proxyCommand(connection, command, out);
    else await rotateInstallToken(connection, out);
    return 0;
  } catch (error) {
    // A value the contract refuses before any handler runs (a weight of 0, an empty name or model, a protocol that is
    // none), or one a setting refuses (a port of 70000), is wrong whatever the accounts hold, as --limit 0 is: a usage
    // slip, exit code 2. A command refused for what is there (no account 9) stays exit code 1. Only `settings` hands
    // a value to a setting; `token rotate`'s refusal in that code is no slip of the person typing.
    if (error instanceof ContractError) {
      const slip = error.code === 'invalid_input' || (error.code === 'invalid_setting' && group === 'settings');
      if (slip) throw new UsageError(error.message);
    }
    throw error;
  } finally {
    await connection.close();
  }
}

/** The flags every command shares; what Node's parser says about a mistyped one is put in this CLI's words. */
function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: OPTIONS,
    });
  } catch (error) {
    throw usageOf(error);
  }
}

function usageOf(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  const message = String((error as Error)?.message);
  // Node's text goes on about positionals after '--', which no command here takes.
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const flags = Object.keys(OPTIONS).map((name) => `--${name}`);
    return new UsageError(`Unknown option ${unknown[1]}.${didYouMean(unknown[1]!, flags, false)}`);
  }
  const missing = /^Option '(-\S+ )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && missing) return new UsageError(`${missing[2]} needs a value.`);
  const switchWithValue = /^Option '(--[\w-]+)' does not take an argument/.exec(message);
  if (switchWithValue)
    return new UsageError(`${switchWithValue[1]} takes no value: write ${switchWithValue[1]} alone, or leave it out.`);
  return code?.startsWith('ERR_PARSE_ARGS') ? new UsageError(message) : error;
}

/**
 * The word after a group is one of its commands, or nothing where the group does without one (`logs`, `proxy`), else
 * the slip is named with its guess before anything is opened.
 */
function checkCommand(group: keyof typeof SUBCOMMANDS, command: string | undefined): void {
  const commands: readonly string[] = SUBCOMMANDS[group];
  if (command === undefined) {
    if (!('' in TAKES[group])) throw unknownSubcommand(group, undefined, commands);
  } else if (group === 'dashboard') throw new UsageError('dashboard takes no arguments.');
  else if (!commands.includes(command)) throw unknownSubcommand(group, command, commands);
}

/** A flag given twice took its last value and dropped the first unsaid (`--weight 5 --weight 50`); none repeats. */
function checkRepeats(typed: string[]): void {
  const seen = new Set<string>();
  for (const flag of typed) {
    if (flag !== 'help' && seen.has(flag)) throw new UsageError(`--${flag} is given more than once; give it once.`);
    seen.add(flag);
  }
}

/** A script reading stdout must get one format and nothing else, so the mixes are refused rather than guessed. */
function checkLogsFormat(command: string | undefined, flags: { json?: boolean; csv?: boolean; follow?: boolean }) {
  if (flags.json && flags.csv) throw new UsageError('logs takes --json or --csv, not both.');
  const format = flags.json ? '--json' : flags.csv ? '--csv' : null;
  if (format && command === 'show') throw new UsageError(`logs show prints JSON already; it takes no ${format}.`);
  if (format && flags.follow) throw new UsageError(`logs --follow prints lines as they come; it takes no ${format}.`);
}

/** Doing less than was typed, saying nothing of it, misleads: a flag or a word the command does not take is a slip. */
function checkTakes(group: keyof typeof TAKES, command: string | undefined, rest: string[], typed: string[]): void {
  const takes = (TAKES[group] as Record<string, Takes | undefined>)[command ?? ''];
  if (!takes) return;
  const name = command === undefined ? group : `${group} ${command}`;
  const stray = typed.find((flag) => flag !== 'help' && !(takes.flags as readonly string[]).includes(flag));
  if (stray) {
    const flags = takes.flags.length ? takes.flags.map((flag) => `--${flag}`).join(', ') : 'no options';
    throw new UsageError(`${name} does not take --${stray} (it takes ${flags}).`);
  }
  const extra = takes.rest ? [] : rest.slice(takes.args.split(' ').filter(Boolean).length);
  if (extra.length)
    throw new UsageError(
      `${name} takes ${takes.args ? `${takes.args} alone` : 'no arguments'}; "${extra.join(' ')}" is left over.`,
    );
}

async function logs(
  connection: CliConnection,
  command: string | undefined,
  args: string[],
  flags: { follow: boolean; limit?: string; json: boolean; csv: boolean },
  out: Line,
): Promise<void> {
  if (command === 'show') {
    if (!args[0]) throw new UsageError('logs show needs a request id (the req_… at the end of each line).');
    // Checked here so that a mistyped id is named as such, not answered with the contract's regular expression.
    if (!INVOKE['history:record'].safeParse({ requestId: args[0] }).success)
      throw new UsageError(
        `"${args[0]}" is not a request id: ` +
          'they look like req_ and letters and digits, at the end of each line of logs.',
      );
    if (!(await printRecord(connection.api, args[0], out))) throw new CommandError(`No request ${args[0]} in history.`);
    return;
  }
  if (command !== undefined) throw unknownSubcommand('logs', command, SUBCOMMANDS.logs);
  // Digits alone: Number() would read 0x10 or 1e2 as a count nobody typed.
  const limit = flags.limit === undefined ? 30 : /^\d+$/.test(flags.limit) ? Number(flags.limit) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit takes a number from 1 to 1000.');
  if (flags.follow) {
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    // As `tail -f`: live lines alone, unless --limit asks for history first (`tail -n N -f`).
    await followLogs(connection, out, stop.signal, flags.limit === undefined ? undefined : limit);
    return;
  }
  if (flags.json || flags.csv) await exportHistory(connection.api, limit, flags.json ? 'json' : 'csv', out);
  else await printHistory(connection.api, limit, out);
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n${helpPointer(process.argv.slice(2))}`);
        process.exit(2);
      }
      const message = String((error as Error)?.message);
      const known =
        error instanceof ContractError ||
        error instanceof SettingError ||
        error instanceof ConfigError ||
        error instanceof CommandError;
      const line = startFailureLine(error, withTypedInPaths(process.env).ORCHIDS_TRAY_DATA_DIR);
      if (line || known || /^(Orchids Tray|Cannot reach)/.test(message)) {
        console.error(line ?? message);
        process.exit(1);
      }
      console.error(error);
      process.exit(1);
    },
  );
}
