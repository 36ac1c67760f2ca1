import { parseArgs } from 'node:util';
import { creditsSiteName } from '../contract/credits';
import { DEFAULT_SITE_URL } from './core/config';
import { cliCommand } from './core/util/cli-command';
import { didYouMean, UsageError } from './cli-errors';

/**
 * How the person runs the CLI on this platform (`npm run cli --`, or `npm run cli "--"` on Windows: cliCommand): every
 * command in the help and every pointer to it is written this way.
 */
const cliOf = (platform: NodeJS.Platform): string => cliCommand('', platform).trimEnd();
/** Where a line that goes on explaining a command starts, under the command's own words. */
const CONTINUED = /^ {54}(?=\S)/gm;

/** The flags every command shares (a value's flag must be known, or `--limit 5 logs` reads 5 as the command). */
export const OPTIONS = {
  cookie: { type: 'string' },
  'cookie-file': { type: 'string' },
  name: { type: 'string' },
  weight: { type: 'string' },
  json: { type: 'boolean', default: false },
  csv: { type: 'boolean', default: false },
  follow: { type: 'boolean', short: 'f', default: false },
  limit: { type: 'string' },
  protocol: { type: 'string' },
  all: { type: 'boolean', default: false },
  model: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * Each group's commands, as the CLI dispatches them: the one list its refusals, its help test and the README's test
 * read, so a command added here and nowhere else is seen. `dashboard` is a command by itself; `logs` alone lists.
 */
export const SUBCOMMANDS = {
  accounts: ['add', 'list', 'credits', 'test', 'enable', 'disable', 'remove', 'reset', 'rename', 'weight'],
  settings: ['list', 'get', 'set', 'reset'],
  logs: ['show'],
  dashboard: [],
  token: ['rotate'],
  proxy: ['status', 'pause', 'resume', 'dismiss-notice'],
} as const;
type Group = keyof typeof SUBCOMMANDS;
type Flag = keyof typeof OPTIONS;

/** What one command takes besides --help: its flags, and the words after it (`rest`: the rest is one value). */
export interface Takes {
  flags: readonly Flag[];
  args: string;
  rest?: true;
}
const none = (args = ''): Takes => ({ flags: [], args });
const ID = none('<id>');

/**
 * Each command's flags and words, so that one it does not take is refused rather than ignored: `accounts disable 1 2`
 * disabled 1 alone and said nothing of 2. `''` is the group typed without a command (`logs`, `proxy`).
 */
export const TAKES: { [G in Group]: Record<(typeof SUBCOMMANDS)[G][number], Takes> & { ''?: Takes } } = {
  accounts: {
    add: { flags: ['cookie', 'cookie-file', 'name', 'weight'], args: '' },
    list: { flags: ['json'], args: '' },
    credits: { flags: ['json'], args: '[<id>]' },
    test: { flags: ['protocol', 'all', 'model', 'json'], args: '[<id>]' },
    enable: ID,
    disable: ID,
    remove: ID,
    reset: ID,
    rename: { flags: [], args: '<id> <name>', rest: true },
    weight: none('<id> <1-100>'),
  },
  settings: {
    list: { flags: ['json'], args: '' },
    get: { flags: ['json'], args: '<key>' },
    set: { flags: [], args: '<key> <json value>', rest: true },
    reset: none('<key>'),
  },
  logs: { '': { flags: ['json', 'csv', 'follow', 'limit'], args: '' }, show: none('<request-id>') },
  dashboard: { '': none() },
  token: { rotate: none() },
  proxy: { '': none(), status: none(), pause: none(), resume: none(), 'dismiss-notice': none() },
};
export const GROUPS = Object.keys(SUBCOMMANDS) as Group[];

export const isGroup = (word: string | undefined): word is Group => GROUPS.includes(word as Group);

/** A first word that is no command, with a guess at the one a slip of the fingers meant (`acounts`). */
export const unknownCommand = (word: string): UsageError =>
  new UsageError(`Unknown command "${word}".${didYouMean(word, [...GROUPS, 'help'])}`);

const HEADER = 'Orchids Tray command line: manage accounts and settings, with or without the app running.';

/**
 * Each command's line, and the lines that go on explaining it; the credits line names the site this env reads. A
 * longer CLI (Windows' quoted "--") moves the explanations right by as much, so the lines that go on stay under them.
 */
const commands = (site: string, cli: string): string =>
  `  ${cli} accounts add --cookie-file <path> [--name <name>] [--weight <1-100>]
  ${cli} accounts add --cookie <value> [--name <name>] [--weight <1-100>]
  ${cli} accounts list [--json]
  ${cli} accounts enable <id> | disable <id> | remove <id> | reset <id>
  ${cli} accounts rename <id> <name> | weight <id> <1-100>
  ${cli} accounts credits [<id>] [--json]     read plan and credits from ${site} now
  ${cli} accounts test [<id>] [--protocol ws|sse-b|sse-a | --all] [--model <id>] [--json]
                                                      one short real request: does the account (or each enabled
                                                      one) work, and over what
  ${cli} logs [--limit <n>] [--json | --csv]  recent requests, from history; --json: one array, newest
                                                      first; --csv: a spreadsheet's file (RFC 4180, UTC times)
  ${cli} logs show <request-id>               one request's debug record (or history row)
  ${cli} logs --follow [--limit <n>]          live: one line per request from the running app; with
                                                      --limit, the last <n> from history first (tail -n <n> -f)
  ${cli} settings list [--json]
  ${cli} settings get <key> [--json]          one setting's value and where it comes from
  ${cli} settings set <key> <json value>      e.g. debugLogs true; a word or a list a,b needs no quotes
  ${cli} settings reset <key>
  ${cli} dashboard                            a fresh one-time sign-in link from the running app
  ${cli} token rotate                         a new install token: every dashboard browser signs in again
  ${cli} proxy status | pause | resume        the running app: is it serving (its WebSocket pool, and its
                                                      clock when off from Clerk's); pause refuses new requests
  ${cli} proxy dismiss-notice                 forget the notice of a replaced (damaged) database, which
                                                      is said at every start until then; app running or not`.replace(
    CONTINUED,
    ' '.repeat(54 + cli.length - 'npm run cli --'.length),
  );

const COOKIE_NOTE = `\
The cookie is the value of the __client cookie from orchids.app (or a whole Cookie header, or a browser cookie
export as JSON). Prefer --cookie-file: a cookie typed on the command line lands in your shell history, and in the
process list (ps) while the command runs.`;

const DATA_NOTE = `\
While Orchids Tray runs on the same data folder, commands go to it and take effect before they return; otherwise
the CLI opens the data folder (ORCHIDS_TRAY_DATA_DIR, or the app's default) itself.`;

// DECISION: Windows' note quotes the `--` rather than doubling it (`-- --`) or naming `npm.cmd`. npm's PowerShell
// shim (npm.ps1) before npm 11.4.0 and 10.9.3 let PowerShell drop a bare `--` (npm/cli#3136, #4903; fixed by #8278,
// backported in #8343), and the shim that runs is the one in Node's own folder, from the npm Node bundled, even after
// `npm install -g npm@11`. A quoted "--" reaches npm through an old shim, a fixed one (which re-reads the typed line)
// and cmd.exe alike; a doubled one would reach the CLI itself through a fixed shim, and `npm.cmd` is one more thing
// to explain. Said on Windows only: elsewhere no shell drops it. There every command in the help is so quoted.
const WINDOWS_NOTE = `\
PowerShell: where npm's npm.ps1 shim is older than npm 11.4.0 or 10.9.3, it drops a bare -- and npm takes the flags
after it for its own; so the commands here quote it: ${cliOf('win32')} logs --follow`;

const groupHelp = (cli: string): string =>
  `Every command takes --help: after a group (${cli} logs --help), it prints that group's part alone.`;

/** The lines of one group's commands, each with the lines that go on explaining it. */
function linesOf(all: string, group: Group, cli: string): string {
  const kept: string[] = [];
  let current: string | undefined;
  for (const line of all.split('\n')) {
    current = line.startsWith(`  ${cli} `) ? line.slice(cli.length + 3).split(' ')[0] : current;
    if (current === group) kept.push(line);
  }
  return kept.join('\n');
}

/**
 * The whole help, or one group's part of it (`accounts --help`), with the notes that bear on it; on Windows (a
 * parameter for the tests) with how to pass flags from PowerShell.
 */
export function usage(env: NodeJS.ProcessEnv, group?: string, platform: NodeJS.Platform = process.platform): string {
  const cli = cliOf(platform);
  const all = commands(creditsSiteName(env.ORCHIDS_SITE_URL?.trim() || DEFAULT_SITE_URL), cli);
  const windows = platform === 'win32' ? [WINDOWS_NOTE] : [];
  if (!isGroup(group)) {
    return [HEADER, all, [COOKIE_NOTE, DATA_NOTE, groupHelp(cli), ...windows].join('\n')].join('\n\n');
  }
  const notes = group === 'accounts' ? [COOKIE_NOTE, DATA_NOTE] : [DATA_NOTE];
  return [HEADER, linesOf(all, group, cli), [...notes, ...windows].join('\n'), `Every command: ${cli} --help`].join(
    '\n\n',
  );
}

/**
 * The one line printed under a usage mistake instead of the whole help, which would push the mistake off the
 * screen: where the help for what was typed is. Read leniently, since what was typed did not parse.
 */
export function helpPointer(argv: string[], platform: NodeJS.Platform = process.platform): string {
  const cli = cliOf(platform);
  let group: string | undefined;
  try {
    group = parseArgs({ args: argv, allowPositionals: true, strict: false, options: OPTIONS }).positionals[0];
  } catch {
    group = undefined;
  }
  return isGroup(group)
    ? `Run \`${cli} ${group} --help\` for its commands and options.`
    : `Run \`${cli} --help\` for the commands.`;
}
