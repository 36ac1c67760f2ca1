/**
 * README.md is a newcomer's first and often only guide, and it has outlived many renames. These tests hold what
 * it names (environment variables, settings and their defaults, routes, CLI commands, paths, npm scripts) to the
 * code's own tables and the repository's files, both ways where a list is meant to be complete.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HISTORY_CSV_HEADER } from '../../contract/history-csv';
import { runCli } from '../../main/cli';
import { OPTIONS, SUBCOMMANDS } from '../../main/cli-help';
import { readEnvConfig } from '../../main/core/config';
import { API_PREFIX, DASHBOARD_PATH, EVENTS_CHANNEL, LINK_PATH } from '../../main/core/control/http-transport';
import { openAIRoutes } from '../../main/core/openai/routes';
import type { MessagesProxy } from '../../main/core/proxy/messages-proxy';
import { anthropicRoutes } from '../../main/core/server/api-routes';
import { HEALTH_PATH, HELLO_PATH, ROOT_PATH } from '../../main/core/server/http-server';
import { SETTING_DEFINITIONS, SETTING_KEYS } from '../../main/core/settings/definitions';
import { codeTexts, commandWords, flags, readReadme, ROOT, section, spans, tableRows } from '../helpers/readme';

const readme = readReadme();

function sourceFiles(dir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => path.join(ROOT, dir, name));
}

/**
 * The variables these files read from an environment, of the project's own prefixes unless `name` matches others:
 * `env.X`, `env['X']`, `url(env, 'X', …)`, `positiveEnv('X', …)`.
 */
function envReads(files: string[], name = '((?:ORCHIDS|BENCH|E2E)_\\w+|CHROMIUM_PATH)'): Set<string> {
  const reads = new RegExp(`env\\??\\.${name}|env\\[['"]${name}['"]\\]|\\(env, '${name}'|Env\\('${name}'`, 'g');
  const names = new Set<string>();
  for (const file of files) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(reads)) names.add(match.slice(1).find(Boolean)!);
  }
  return names;
}

const settingEnv = new Map(
  SETTING_KEYS.flatMap((key) => {
    const env: string | undefined = SETTING_DEFINITIONS[key].env;
    return env ? [[env, key] as const] : [];
  }),
);
/** Every variable the app (core, CLI, desktop shell, start script) reads. */
const appReads = new Set([
  ...envReads([...sourceFiles('main', /\.ts$/), ...sourceFiles('scripts', /\.mjs$/)]),
  ...settingEnv.keys(),
]);
const configuration = section(readme, 'Configuration');
const variableRows = tableRows(configuration, 'variable').map(([variable = '', byDefault = '', meaning = '']) => ({
  variable: spans(variable)[0] ?? variable,
  byDefault,
  meaning,
}));

describe('README: environment variables', () => {
  it('documents in Configuration every ORCHIDS_* variable the app reads, and no other', () => {
    const documented = variableRows.map((row) => row.variable).sort();
    expect(documented).toEqual([...appReads].filter((name) => name.startsWith('ORCHIDS_')).sort());
  });

  it('names every other variable the app reads (XDG_*, DISPLAY, …), so a newcomer knows what changes it', () => {
    const reads = envReads(
      [...sourceFiles('main', /\.ts$/), ...sourceFiles('scripts', /\.mjs$/)],
      '([A-Z][A-Z0-9_]*|npm_\\w+)',
    );
    // npm's own (the npm that ran a script, to build through; which package's which script started the CLI), and one
    // cleared for Electron rather than read.
    const notTheUsers = new Set(['npm_execpath', 'npm_lifecycle_event', 'npm_package_name', 'ELECTRON_RUN_AS_NODE']);
    const unnamed = [...reads].filter((name) => !notTheUsers.has(name) && !new RegExp(`\\b${name}\\b`).test(readme));
    expect(reads.size).toBeGreaterThan(15);
    expect(unnamed).toEqual([]);
  });

  it('names no variable that nothing reads (the app’s, the tests’ and the benchmark’s)', () => {
    const testReads = envReads([...sourceFiles('test', /\.ts$/), path.join(ROOT, 'playwright.config.ts')]);
    const named = new Set(readme.match(/\b(?:ORCHIDS|BENCH|E2E)_[A-Z0-9_]*[A-Z0-9]\b|\bCHROMIUM_PATH\b/g));
    expect(named.size).toBeGreaterThan(40);
    expect([...named].filter((name) => !appReads.has(name) && !testReads.has(name))).toEqual([]);
  });
});

/** How a default is written in the table's default column: `0`/`1` for a switch, unset or none for nothing. */
function shown(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value === '') return 'unset';
  return String(value);
}
function firstValue(cell: string): string {
  return spans(cell)[0] ?? cell.split(/\s/)[0]!;
}

describe('README: settings', () => {
  it('gives each variable that overrides a setting with that setting’s key and default', () => {
    const wrong: string[] = [];
    for (const row of variableRows) {
      const key = settingEnv.get(row.variable);
      if (!key) continue;
      if (!row.meaning.includes(`setting \`${key}\``)) wrong.push(`${row.variable}: not "setting \`${key}\`"`);
      const expected = shown(SETTING_DEFINITIONS[key].default);
      if (firstValue(row.byDefault) !== expected)
        wrong.push(`${row.variable}: default ${row.byDefault}, not ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives the defaults the start-up configuration really has', () => {
    const base = readEnvConfig({ ORCHIDS_TRAY_DATA_DIR: ROOT }) as unknown as Record<string, unknown>;
    const wrong: string[] = [];
    for (const row of variableRows) {
      if (settingEnv.has(row.variable) || !row.byDefault.startsWith('`')) continue;
      // Which field the variable sets, found by setting it: the first value it takes that changes a field.
      for (const trial of ['https://readme.example.test', 'wss://readme.example.test', '1', '12345']) {
        let changed: string | undefined;
        try {
          const config = readEnvConfig({ ORCHIDS_TRAY_DATA_DIR: ROOT, [row.variable]: trial }) as unknown as Record<
            string,
            unknown
          >;
          changed = Object.keys(config).find((field) => config[field] !== base[field]);
        } catch {
          continue;
        }
        if (!changed) continue;
        if (firstValue(row.byDefault) !== shown(base[changed]))
          wrong.push(`${row.variable}: default ${row.byDefault}, not ${shown(base[changed])}`);
        break;
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives the default of each setting no variable overrides, beside its key', () => {
    // `(\`logRetentionCount\`, \`logRetentionMb\`, \`logRetentionDays\`: newest 50,000 records, 200 MB, 7 days)`: a run
    // of keys takes the numbers after it in order; a word setting's default is the first value named after it.
    const start = configuration.indexOf('Run-time settings without a variable');
    const paragraph = configuration.slice(start, configuration.indexOf('\n\n', start));
    // The settings no variable overrides whose default a sentence can give: a number, or a word.
    const defaults = new Map<string, number | string>(
      SETTING_KEYS.flatMap((key) => {
        const { default: value, env } = SETTING_DEFINITIONS[key] as { default: unknown; env?: string };
        return !env && (typeof value === 'number' || typeof value === 'string') ? [[key, value] as const] : [];
      }),
    );
    const said = new Map<string, string>();
    const run: string[] = [];
    let word: string | undefined;
    for (const [, span, number] of paragraph.matchAll(/`([^`]+)`|(\d+(?:,\d{3})*)/g)) {
      const value = span === undefined ? undefined : defaults.get(span);
      if (typeof value === 'number') run.push(span!);
      else if (typeof value === 'string') word = span;
      else if (span !== undefined && word) {
        said.set(word, span);
        word = undefined;
      } else if (number !== undefined && run.length > 0) said.set(run.shift()!, number.replace(/,/g, ''));
    }
    const wrong = [...defaults].flatMap(([key, value]) =>
      said.get(key) === String(value) ? [] : [`${key}: ${said.get(key) ?? 'no default'}, not ${value}`],
    );
    expect(said.size).toBeGreaterThan(5);
    expect(wrong).toEqual([]);
  });

  it('names every setting key in Configuration', () => {
    const named = new Set(spans(configuration));
    expect(SETTING_KEYS.filter((key) => !named.has(key))).toEqual([]);
  });

  it('names no setting that does not exist', () => {
    const keys = new Set<string>(SETTING_KEYS);
    const named = [
      ...[...readme.matchAll(/\bsettings? `(\w+)`/g)].map((match) => match[1]!),
      ...[...readme.matchAll(/settings (?:set|reset) (\w+)/g)].map((match) => match[1]!),
    ];
    expect(named.filter((name) => !keys.has(name))).toEqual([]);
  });
});

/** `GET /v1/models/` for a prefix route; the README writes it `GET /v1/models/{id}`. */
function routeKey(method: string, routePath: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${routePath.replace(/\{[^}]*\}$/, '')}`;
}

describe('README: What it serves', () => {
  it('lists every route the server answers, and only those', () => {
    const unused = (): never => {
      throw new Error('not called');
    };
    const proxy = { handle: unused } as unknown as MessagesProxy;
    const apiRoutes = [
      ...anthropicRoutes({ modelMap: unused, estimateInput: unused, proxy }),
      ...openAIRoutes({ proxy, paused: unused, estimateInput: unused }),
    ];
    const served = new Set([
      ...apiRoutes.map((route) => routeKey(route.method, route.path)),
      routeKey('GET', HEALTH_PATH),
      routeKey('GET', ROOT_PATH),
      routeKey('GET', HELLO_PATH),
      routeKey('GET', DASHBOARD_PATH),
      routeKey('GET', API_PREFIX + EVENTS_CHANNEL),
      routeKey('POST', API_PREFIX),
      routeKey('POST', LINK_PATH),
    ]);
    const listed = new Set(
      tableRows(section(readme, 'What it serves'), 'endpoint').flatMap(([endpoint = '']) =>
        spans(endpoint).flatMap((span) => {
          const match = /^(GET|HEAD|POST|DELETE) (\/\S*)/.exec(span);
          return match ? [routeKey(match[1]!, match[2]!)] : [];
        }),
      ),
    );
    expect([...listed].sort()).toEqual([...served].sort());
  });
});

describe('README: command line', () => {
  it('shows only commands, subcommands and flags the CLI has', async () => {
    const help: string[] = [];
    expect(
      await runCli(
        ['help'],
        (line) => help.push(line),
        {},
        () => {},
      ),
    ).toBe(0);
    const lines = help.join('\n').split('\n');
    const byGroup = new Map<string, string>();
    for (const line of lines) {
      const match = /npm run cli -- (\S+)/.exec(line);
      if (match) byGroup.set(match[1]!, `${byGroup.get(match[1]!) ?? ''} ${line}`);
    }
    const groups = [...byGroup.keys()].join('|');
    // Also the commands the prose names without `npm run cli --` (`accounts reset <id>`, `cli settings set`).
    const bare = new RegExp(`^(?:cli )?((?:${groups})(?: .*)?)$`);
    const shownCommands = codeTexts(readme).flatMap((text) => {
      // Cut at a comment, a redirection (` > `; the `>` of `<id>` ends a placeholder) or the prose's `)`.
      const commands = [...text.matchAll(/npm run(?: -s)? cli -- ((?:[^#`\n)>]|(?<! )>)+)/g)].map((match) =>
        match[1]!.trim(),
      );
      const alone = bare.exec(text.trim());
      return alone && !text.includes('npm run') ? [...commands, alone[1]!] : commands;
    });
    expect(shownCommands.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const command of shownCommands) {
      const [group = ''] = command.split(/\s/);
      const usage = byGroup.get(group);
      if (!usage) {
        wrong.push(`${command}: no command "${group}"`);
        continue;
      }
      // The help says once, not on each line, that every command takes --help.
      const known = new Set([...usage.split(/[\s|[\]<>]+/), '--help']);
      for (const word of [...commandWords(command), ...flags(command)])
        if (!known.has(word)) wrong.push(`${command}: "${word}" is not in the help for ${group}`);
    }
    expect(wrong).toEqual([]);
  });

  it('shows every command the CLI dispatches, in its help and in the README, and every flag it takes', async () => {
    const help: string[] = [];
    await runCli(
      ['help'],
      (line) => help.push(line),
      {},
      () => {},
    );
    const commandLine = section(readme, 'Command line');
    // The command's words after `npm run cli --`, per line: the help's lines, and the README section's fenced block.
    const commandsIn = (lines: string[]): string[][] =>
      lines.flatMap((line) => {
        const match = /npm run(?: -s)? cli -- ([^#`]+)/.exec(line);
        return match ? [commandWords(match[1]!)] : [];
      });
    const where = { help: commandsIn(help.join('\n').split('\n')), README: commandsIn(codeTexts(commandLine)) };
    const missing: string[] = [];
    for (const [group, commands] of Object.entries(SUBCOMMANDS)) {
      const wanted: readonly string[] = commands.length > 0 ? commands : [group];
      for (const [place, shown] of Object.entries(where))
        for (const command of wanted)
          if (!shown.some((words) => words[0] === group && words.includes(command)))
            missing.push(`${place}: ${group} ${command}`);
    }
    // A flag may be named in the section's prose too (`-h`), so any mention as a whole word counts.
    for (const [name, option] of Object.entries(OPTIONS)) {
      const spellings = [`--${name}`, ...('short' in option ? [`-${option.short}`] : [])];
      for (const flag of spellings)
        if (!new RegExp(`(?<![\\w-])${flag}(?![\\w-])`).test(commandLine)) missing.push(`README: ${flag}`);
    }
    expect(missing).toEqual([]);
  });

  it('gives the columns of `logs --csv` in the file’s order', () => {
    const listed = spans(section(readme, 'Command line')).find((span) => span.startsWith('time, '));
    expect(listed?.split(/,\s*/)).toEqual(HISTORY_CSV_HEADER);
  });
});

const exists = (...parts: string[]): boolean => fs.existsSync(path.join(ROOT, ...parts));

describe('README: files and scripts', () => {
  it('names only repository paths that exist', () => {
    const missing = new Set<string>();
    const roots = 'main|test|docs|scripts|contract|preload|renderer|assets';
    for (const match of readme.matchAll(new RegExp(`(?<![\\w./-])((?:${roots})/[\\w./-]*)`, 'g'))) {
      const named = match[1]!.replace(/[.]+$/, '');
      if (!exists(named)) missing.add(named);
    }
    for (const span of spans(readme)) {
      const built = /^(?:node )?dist\/(\S+)\.js$/.exec(span);
      if (built && !exists(`${built[1]}.ts`)) missing.add(span);
      // Core modules named from main/core (`server/json-pieces.ts`, `util/ids.ts`).
      if (/^[a-z-]+\/[\w/-]+\.ts$/.test(span) && !new RegExp(`^(${roots})/`).test(span)) {
        if (!exists('main/core', span)) missing.add(span);
      }
      const test = /^(unit\/)?([\w-]+\.test\.ts)$/.exec(span);
      if (test && !exists('test/unit', test[2]!) && (test[1] || !exists('test/integration', test[2]!)))
        missing.add(span);
      if (/^[\w-]+\.spec\.ts$/.test(span) && !exists('test/e2e', span)) missing.add(span);
      if (/^tsconfig\.\w+\.json$/.test(span) && !exists(span)) missing.add(span);
    }
    expect([...missing]).toEqual([]);
  });

  it('says in Safety which integration tests hold each promise, and they are there', () => {
    const safety = section(readme, 'Safety');
    const named = spans(safety).filter((span) => /^[\w-]+\.test\.ts$/.test(span));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !exists('test/integration', name))).toEqual([]);
  });

  it('draws "How it is built" from the folders that exist, and leaves none of main/core out', () => {
    const built = section(readme, 'How it is built');
    const tree = /```\n([\s\S]*?)```/.exec(built)![1]!;
    const folders = [...tree.matchAll(/(?<![\w/-])((?:[a-z][\w-]*\/)+)(?=[\s,)]|$)/g)].map((match) => match[1]!);
    const where = ['', 'main/core', ...fs.readdirSync(path.join(ROOT, 'main/core')).map((d) => `main/core/${d}`)];
    const nowhere = folders.filter((folder) => !where.some((base) => exists(base, folder)) && !exists('test', folder));
    expect(nowhere).toEqual([]);
    const files = [...tree.matchAll(/(?<![\w/-])([\w/-]+\.ts)/g)].map((match) => match[1]!);
    expect(files.filter((file) => !exists(file) && !exists('main/core', file))).toEqual([]);
    const coreFolders = fs
      .readdirSync(path.join(ROOT, 'main/core'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${entry.name}/`);
    expect(coreFolders.filter((folder) => !folders.includes(folder))).toEqual([]);
  });

  it('runs only npm scripts package.json has', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: object })
      .scripts;
    const named = new Set([
      ...[...readme.matchAll(/npm run(?: -s)? ([\w:-]+)/g)].map((match) => match[1]!),
      ...[...readme.matchAll(/npm (start|test)\b/g)].map((match) => match[1]!),
    ]);
    expect([...named].filter((name) => !(name in scripts))).toEqual([]);
  });

  it('names every npm script package.json has', () => {
    const scripts = Object.keys(
      (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts,
    );
    // Run (`npm run x`, `npm start`), or named as itself (`typecheck:node`, in the sentence on the typecheck).
    const named = new Set([
      ...[...readme.matchAll(/npm run(?: -s)? ([\w:-]+)/g)].map((match) => match[1]!),
      ...[...readme.matchAll(/npm (start|test)\b/g)].map((match) => match[1]!),
      ...spans(readme),
    ]);
    expect(scripts.filter((name) => !named.has(name))).toEqual([]);
  });
});

describe('the Benchmark section', () => {
  const benchmark = section(readme, 'Benchmark');
  const run = fs.readFileSync(path.join(ROOT, 'test/bench/run.ts'), 'utf8');

  it('explains every flag `npm run bench` reads, and names none it does not', () => {
    // run.ts reads its flags as argv.includes('--x'), value('--x') or seconds('--x', …).
    const read = new Set([...run.matchAll(/(?:includes|value|seconds)\('(--[a-z-]+)'/g)].map((match) => match[1]!));
    expect(read.size).toBeGreaterThanOrEqual(8);
    const explained = new Set(
      [...benchmark.matchAll(/^- `(--[a-z-]+)[^`]*`(?: and `(--[a-z-]+)[^`]*`)?:/gm)].flatMap((match) =>
        match.slice(1).filter((flag): flag is string => flag !== undefined),
      ),
    );
    expect([...explained].sort()).toEqual([...read].sort());
  });

  it('lists the sections `--only` takes, as run.ts names them', () => {
    const table = run.slice(run.indexOf('const SECTIONS'), run.indexOf('];', run.indexOf('const SECTIONS')));
    const named = [...table.matchAll(/^\s*\['(\w+)',/gm)].map((match) => match[1]!);
    const only = benchmark.slice(benchmark.indexOf('- `--only'), benchmark.indexOf('(never part of'));
    // The list, then `--only ab`, the one section a full run leaves out.
    expect(spans(only)).toContain('--only ab');
    const listed = spans(only).filter((span) => /^\w+$/.test(span));
    expect([...listed, 'ab'].sort()).toEqual(named.sort());
  });
});
