import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { UsageError } from '../../main/cli-errors';
import { tempDir } from '../helpers/temp-dir';

// What a newcomer types wrong first, run through the real CLI on a data folder of its own (no app running): each
// mistake is named as what it is, in the CLI's words, never as an empty name or a parser's or a schema's text.
const usageError = async (...args: string[]): Promise<string> => {
  const error: unknown = await cli({ ORCHIDS_TRAY_DATA_DIR: tempDir() }, ...args).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, args.join(' ')).toBeInstanceOf(UsageError);
  return (error as Error).message;
};

describe('npm run cli -- usage mistakes', () => {
  it('lists the commands of a group typed alone, and of one given an unknown command', async () => {
    expect(await usageError('accounts')).toBe(
      'accounts needs a command: add, list, credits, test, enable, disable, remove, reset, rename, weight.',
    );
    expect(await usageError('settings')).toBe('settings needs a command: list, get, set, reset.');
    expect(await usageError('token')).toBe('token needs a command: rotate.');
    expect(await usageError('accounts', 'lst')).toBe(
      'Unknown accounts command "lst". Did you mean "list"? accounts takes: add, list, credits, test, enable, ' +
        'disable, remove, reset, rename, weight.',
    );
    expect(await usageError('proxy', 'stop')).toBe(
      'Unknown proxy command "stop". proxy takes: status, pause, resume, dismiss-notice.',
    );
  });

  it('suggests the command or option a slip of the fingers meant, and guesses nothing for a far-off word', async () => {
    expect(await usageError('setings', 'list')).toBe('Unknown command "setings". Did you mean "settings"?');
    expect(await usageError('hlep')).toBe('Unknown command "hlep". Did you mean "help"?');
    expect(await usageError('accounts', 'list', '--jsno')).toBe('Unknown option --jsno. Did you mean --json?');
    expect(await usageError('accounts', 'add', '--cookie-fiel', 'x')).toBe(
      'Unknown option --cookie-fiel. Did you mean --cookie-file?',
    );
    expect(await usageError('deploy')).toBe('Unknown command "deploy".');
    // Help asked for a command that is not one is the same slip, not a wish for every command: an exit code of 0
    // and the whole help hid that `acounts --help` named nothing, and left no guess on screen.
    expect(await usageError('acounts', '--help')).toBe('Unknown command "acounts". Did you mean "accounts"?');
    expect(await usageError('help', 'setings')).toBe('Unknown command "setings". Did you mean "settings"?');
    expect(await usageError('help', 'nope')).toBe('Unknown command "nope".');
    expect(await usageError('accounts', 'list', '--bogus')).toBe('Unknown option --bogus.');
  });

  it('names a mistyped command of a group as the slip it is when help is asked of it, with its guess', async () => {
    // `accounts lst --help` printed the accounts help with exit code 0, as if lst were one of its commands.
    const lst = await usageError('accounts', 'lst');
    expect(await usageError('accounts', 'lst', '--help')).toBe(lst);
    expect(await usageError('help', 'accounts', 'lst')).toBe(lst);
    expect(await usageError('settings', 'gte', '-h')).toBe(
      'Unknown settings command "gte". Did you mean "get"? settings takes: list, get, set, reset.',
    );
    expect(await usageError('logs', 'shwo', '--help')).toBe(
      'Unknown logs command "shwo". Did you mean "show"? logs takes: show.',
    );
    expect(await usageError('proxy', 'stop', '--help')).toBe(
      'Unknown proxy command "stop". proxy takes: status, pause, resume, dismiss-notice.',
    );
    expect(await usageError('dashboard', 'now', '--help')).toBe('dashboard takes no arguments.');
  });

  it('refuses a flag given twice rather than taking its last value unsaid', async () => {
    // `--weight 5 … --weight 50` added the account with weight 50 and said nothing of the 5.
    expect(await usageError('accounts', 'add', '--cookie', 'x', '--weight', '5', '--weight', '50')).toBe(
      '--weight is given more than once; give it once.',
    );
    expect(await usageError('accounts', 'add', '--cookie-file', 'a.txt', '--cookie-file', 'b.txt')).toBe(
      '--cookie-file is given more than once; give it once.',
    );
    expect(await usageError('logs', '--limit', '5', '--limit', '9')).toBe(
      '--limit is given more than once; give it once.',
    );
    // A switch's short and long forms are the one flag.
    expect(await usageError('logs', '-f', '--follow')).toBe('--follow is given more than once; give it once.');
    expect(await usageError('accounts', 'list', '--json', '--json')).toBe(
      '--json is given more than once; give it once.',
    );
    // Help asked twice is still help.
    expect(await cli({ ORCHIDS_TRAY_DATA_DIR: tempDir() }, 'accounts', '-h', '--help')).toMatchObject({ code: 0 });
  });

  it('names a setting that is not one as a slip, with a guess when one is near, before asking the app', async () => {
    expect(await usageError('settings', 'set', 'upstreamProtocl', 'ws')).toBe(
      '"upstreamProtocl" is not a setting. Did you mean "upstreamProtocol"?',
    );
    expect(await usageError('settings', 'get', 'debuglogs')).toBe(
      '"debuglogs" is not a setting. Did you mean "debugLogs"?',
    );
    expect(await usageError('settings', 'reset', 'colour')).toBe(
      '"colour" is not a setting. settings list shows every one.',
    );
    // An inherited name of every object is no setting either.
    expect(await usageError('settings', 'get', 'constructor')).toBe(
      '"constructor" is not a setting. settings list shows every one.',
    );
  });

  it('names an account id that is not one, rather than asking for the id it was given', async () => {
    for (const id of ['Work', 'user1@example.test', '1.5', '0'])
      expect(await usageError('accounts', 'remove', id)).toBe(
        `accounts remove: "${id}" is not an account id; ids are the numbers in the ID column of accounts list.`,
      );
    expect(await usageError('accounts', 'enable')).toBe('accounts enable needs an account id (see accounts list).');
  });

  it('names a request id of the wrong shape without the schema’s regular expression', async () => {
    const message = await usageError('logs', 'show', 'nope');
    expect(message).toBe(
      '"nope" is not a request id: they look like req_ and letters and digits, at the end of each line of logs.',
    );
  });

  it('names an unknown flag and a flag without its value in one short sentence', async () => {
    expect(await usageError('accounts', 'list', '--bogus')).toBe('Unknown option --bogus.');
    expect(await usageError('accounts', 'add', '--cookie')).toBe('--cookie needs a value.');
    expect(await usageError('logs', '--limit')).toBe('--limit needs a value.');
  });

  it('refuses a word left over or a flag the command does not take, rather than doing less than typed', async () => {
    // `accounts disable 1 2` disabled account 1 alone and said nothing of 2; `accounts add … --json` printed text.
    expect(await usageError('accounts', 'disable', '1', '2')).toBe(
      'accounts disable takes <id> alone; "2" is left over.',
    );
    expect(await usageError('settings', 'get', 'port', 'host')).toBe(
      'settings get takes <key> alone; "host" is left over.',
    );
    expect(await usageError('accounts', 'list', 'all', 'of', 'them')).toBe(
      'accounts list takes no arguments; "all of them" is left over.',
    );
    expect(await usageError('accounts', 'add', '--cookie-file', 'c.txt', '--json')).toBe(
      'accounts add does not take --json (it takes --cookie, --cookie-file, --name, --weight).',
    );
    expect(await usageError('accounts', 'list', '-f')).toBe('accounts list does not take --follow (it takes --json).');
    expect(await usageError('proxy', 'status', '--json')).toBe(
      'proxy status does not take --json (it takes no options).',
    );
    expect(await usageError('logs', '--protocol', 'ws')).toBe(
      'logs does not take --protocol (it takes --json, --csv, --follow, --limit).',
    );
    // The ones that take the rest of the line as one value still do, and --help goes with every command.
    expect(await cli({ ORCHIDS_TRAY_DATA_DIR: tempDir() }, 'accounts', 'list', '--help')).toMatchObject({ code: 0 });
  });

  it('refuses two flags of which one would be dropped unsaid, and a value given to a switch', async () => {
    // The cookie file was read and --cookie dropped; --protocol tested its one protocol and --all did nothing.
    expect(await usageError('accounts', 'add', '--cookie-file', 'c.txt', '--cookie', 'x')).toBe(
      'accounts add takes --cookie-file or --cookie, not both.',
    );
    expect(await usageError('accounts', 'test', '1', '--protocol', 'ws', '--all')).toBe(
      'accounts test takes --protocol (one protocol) or --all (every one), not both.',
    );
    expect(await usageError('accounts', 'list', '--json=false')).toBe(
      '--json takes no value: write --json alone, or leave it out.',
    );
  });

  it('reads a count or a weight as digits alone, not as whatever Number() makes of it', async () => {
    for (const limit of ['1e2', '0x10', ' 5'])
      expect(await usageError('logs', '--limit', limit), limit).toBe('--limit takes a number from 1 to 1000.');
    // Taken before, as weights 10 and 16; the contract's own words refuse them now, before any account is looked up,
    // as the usage slip they are (exit code 2), like a --limit of 1e2: the value is wrong whatever the accounts.
    for (const args of [
      ['accounts', 'weight', '1', '1e1'],
      ['accounts', 'weight', '1', '0'],
      ['accounts', 'add', '--cookie', 'x', '--weight', '0x10'],
    ])
      expect(await usageError(...args), args.join(' ')).toBe('weight: Weight must be a whole number from 1 to 100.');
    // An empty --model was answered in zod's words ("Too small: expected string to have >=1 characters").
    expect(await usageError('accounts', 'test', '1', '--model', ' ')).toBe(
      'model: Model must be a model id of 1 to 200 characters, such as claude-sonnet-4-6.',
    );
    expect(await usageError('accounts', 'add', '--cookie', 'x', '--name', ' ')).toBe(
      'name: Name must be 1 to 100 characters.',
    );
    expect(await usageError('accounts', 'rename', '1', 'n'.repeat(101))).toBe(
      'name: Name must be 1 to 100 characters.',
    );
    expect(await usageError('accounts', 'test', '1', '--protocol', 'http')).toBe(
      'protocol: Protocol must be ws, sse-b or sse-a.',
    );
  });

  it('names a value a setting refuses as the usage slip it is, as a weight of 0 is', async () => {
    // A port out of range exited 1, as "no account 9" does, though nothing in the data folder made it wrong.
    expect(await usageError('settings', 'set', 'port', '70000')).toBe('port: must be at most 65,535');
    expect(await usageError('settings', 'set', 'debugLogs', 'maybe')).toBe('debugLogs: expected true or false');
    expect(await usageError('settings', 'set', 'allowedHosts', 'box.lan,http://box.lan')).toBe(
      'allowedHosts: "http://box.lan" is not a host name without a port, such as mybox.lan',
    );
    expect(await usageError('settings', 'set', 'modelMap', '{"my-model": claude-sonnet-4-6}')).toMatch(
      /^modelMap: the value is not valid JSON: /,
    );
  });

  it('names a missing name or weight as the usage slip it is, not as a value the account refuses', async () => {
    expect(await usageError('accounts', 'rename', '1')).toBe(
      'accounts rename needs a name: accounts rename <id> <name>.',
    );
    expect(await usageError('accounts', 'weight', '1')).toBe(
      'accounts weight needs a weight: accounts weight <id> <1-100>.',
    );
  });

  it('asks accounts add for a cookie file first, the form that keeps it out of shell history', async () => {
    expect(await usageError('accounts', 'add')).toBe('accounts add needs --cookie-file <path> (or --cookie <value>).');
  });
});

describe('npm run cli -- <group> --help', () => {
  const help = async (...args: string[]): Promise<string> => {
    const run = await cli({ ORCHIDS_TRAY_DATA_DIR: tempDir() }, ...args);
    expect(run.code, args.join(' ')).toBe(0);
    return run.out;
  };

  it('prints that group’s commands and notes, not every command', async () => {
    for (const args of [
      ['accounts', '--help'],
      ['help', 'accounts'],
      ['accounts', 'add', '-h'],
    ]) {
      const out = await help(...args);
      expect(out, args.join(' ')).toContain('npm run cli -- accounts add --cookie-file <path>');
      expect(out, args.join(' ')).toContain('Prefer --cookie-file');
      expect(out, args.join(' ')).not.toContain('settings set');
      expect(out, args.join(' ')).toContain('Every command: npm run cli -- --help');
    }
    const proxy = await help('proxy', '--help');
    expect(proxy).toContain('npm run cli -- proxy dismiss-notice');
    expect(proxy).not.toContain('accounts add');
    expect(proxy).not.toContain('cookie');
  });

  it('prints every command for --help or help alone, or for help itself', async () => {
    for (const args of [['--help'], ['help'], ['help', '--help'], ['help', 'help']]) {
      const out = await help(...args);
      for (const group of ['accounts add', 'logs show', 'settings set', 'dashboard', 'token rotate', 'proxy status'])
        expect(out, args.join(' ')).toContain(`npm run cli -- ${group}`);
    }
  });
});
