/**
 * Two kinds of README drift that readme-truth.test.ts does not see: a cross-reference (`see "Tool ids"`) left
 * pointing at a heading or paragraph that was renamed or moved, and a client's setup in "Point your tools at it"
 * that no longer matches what the window hands out. The window's setup is held to the real clients' tests
 * (integration/setup-snippets.test.ts), so holding the README to the window holds it to what those clients read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeCodeCommand } from '../../contract/claude-code-env';
import { snippets, type Part, type Snippet } from '../../renderer/src/lib/setup-snippets';
import { config as opencodeConfig } from '../helpers/opencode';
import { piModels } from '../helpers/pi';
import { ROOT } from '../helpers/processes';
import { qwenSettings } from '../helpers/qwen';
import { codeTexts, readReadme, section, spans, tableRows } from '../helpers/readme';
import { escapeRegExp } from '../helpers/regexp';

const readme = readReadme();
/** Line breaks read as spaces, as Markdown reads them inside a sentence. */
const flat = readme.replace(/\s+/g, ' ');

/** Where a name is defined: a `##`/`###` heading (or one starting `Name:`), or a paragraph's bold lead-in. */
function definition(name: string): { at: number; heading: boolean } | undefined {
  const heading = new RegExp(`^#{2,3} ${escapeRegExp(name)}(?::|$)`, 'm').exec(readme);
  if (heading) return { at: flat.indexOf(heading[0].replace(/\s+/g, ' ').trim()), heading: true };
  // `**Tool ids.**`, `**Stateless, by decision**:`, `**Testing an account: …**`: not `**Usage counts**` for "Usage".
  const bold = new RegExp(`\\*\\*${escapeRegExp(name)}(?:\\*\\*|[.:])`).exec(flat);
  return bold ? { at: bold.index, heading: false } : undefined;
}

/** Where the text a definition opens ends: the end of the `##` section it opens or sits in. */
function extent(start: { at: number; heading: boolean }): number {
  const rest = flat.slice(start.at + 3);
  const next = /(?:^| )## /.exec(rest);
  return next ? start.at + 3 + next.index : flat.length;
}

describe('README: cross-references', () => {
  const references = [...flat.matchAll(/\b[Ss]ee "([^"]+)"/g)].map((match) => match[1]!);
  const nested = [...flat.matchAll(/"([^"]+)" under (?:"([^"]+)"|([A-Z][\w']*))/g)].map((match) => ({
    name: match[1]!,
    under: match[2] ?? match[3]!,
  }));

  it('names, after "see", only headings and bold lead-ins that exist', () => {
    expect(references.length).toBeGreaterThan(20);
    expect([...new Set(references)].filter((name) => !definition(name))).toEqual([]);
  });

  it('finds each "X" under Y inside Y', () => {
    expect(nested.length).toBeGreaterThanOrEqual(4);
    const wrong = nested.flatMap(({ name, under }) => {
      const outer = definition(under);
      const inner = definition(name);
      if (!outer || !inner) return [`"${name}" under ${under}: ${outer ? name : under} is not in the README`];
      const inside = inner.at > outer.at && inner.at < extent(outer);
      return inside ? [] : [`"${name}" is not under ${under}`];
    });
    expect(wrong).toEqual([]);
  });
});

const URL = 'http://127.0.0.1:3002';

/** A config's lines without comments (whole-line or trailing) and blank lines, with the API key as `KEY`. */
function settingLines(text: string, comment: '#' | '//', key: string): string[] {
  return text
    .split('\n')
    .map((line) => line.split(key).join('KEY'))
    .filter((line) => !line.trimStart().startsWith(comment))
    .map((line) => line.replace(new RegExp(`\\s+${escapeRegExp(comment)}\\s.*$`), '').trimEnd())
    .filter((line) => line !== '');
}

/** The window's tab `id`, with the key it shows while none is set. */
function windowSnippet(id: string): Snippet {
  const found = snippets(URL, false).find((snippet) => snippet.id === id);
  if (found === undefined) throw new Error(`the window has no ${id} snippet`);
  return found;
}

/** The window's file part of tab `id`: the block its Copy copies for saving. */
function windowFile(id: string): Extract<Part, { kind: 'file' }> {
  const file = windowSnippet(id).parts.find((part) => part.kind === 'file');
  if (file?.kind !== 'file') throw new Error(`the window's ${id} tab has no file`);
  return file;
}

const windowConfig = (id: string): string => windowFile(id).text;

describe('README: the setup in "Point your tools at it"', () => {
  const point = section(readme, 'Point your tools at it');
  // Looked for under the client's own heading: other clients' setups have blocks in the same languages (Qwen Code's
  // settings.json beside opencode's).
  const fenced = (language: string, client: string): string => {
    const part = point.split(/^### /m).find((sub) => sub.startsWith(`${client}\n`));
    expect(part, `a "### ${client}" part`).toBeDefined();
    const blocks = [...part!.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))];
    expect(blocks, `one ${language} block under ${client}`).toHaveLength(1);
    return blocks[0]![1]!;
  };
  const readmeKey = '<key, or anything when none is set>';

  it.each([
    ['toml', 'codex', 'Codex CLI', '#'],
    ['json', 'opencode', 'opencode', '//'],
    ['yaml', 'continue', 'Continue CLI', '#'],
  ] as const)("gives the %s file of the window's %s setup, comments aside", (language, id, client, comment) => {
    expect(settingLines(fenced(language, client), comment, readmeKey)).toEqual(
      settingLines(windowConfig(id), comment, 'not-needed'),
    );
  });

  it("gives pi's models.json as pi's tests write it", () => {
    expect(JSON.parse(fenced('json', 'pi'))).toEqual(piModels(URL));
  });

  /** A JSON file part, read as its client reads it: the block alone, nothing to strip. */
  const windowJson = (id: string): unknown => JSON.parse(windowConfig(id));
  /** The window's command part (its last), with the key it shows while none is set as README's. */
  const windowCommand = (id: string): string =>
    windowSnippet(id)
      .parts.filter((part) => part.kind === 'command')
      .at(-1)!
      .text.replaceAll('not-needed', readmeKey);

  it("gives Kilo Code CLI opencode's file, in Kilo's folder, and the command its section names", () => {
    // The file the Kilo tests run Kilo with (opencode's, test/helpers/kilo.ts), less the test's own switches.
    const tested = JSON.parse(opencodeConfig(URL, 'not-needed', 'anthropic')) as Record<string, unknown>;
    const { autoupdate: _a, share: _s, ...usersPart } = tested;
    expect(windowJson('kilo')).toEqual(usersPart);
    expect(settingLines(windowConfig('kilo'), '//', 'not-needed')).toEqual(
      settingLines(fenced('json', 'opencode'), '//', readmeKey),
    );
    const kilo = point.split(/^### /m).find((sub) => sub.startsWith('Kilo Code CLI\n'))!;
    const said = spans(kilo);
    expect(windowFile('kilo').path).toBe('~/.config/kilo/kilo.json');
    expect(said).toContain('~/.config/kilo/kilo.json');
    expect(said).toContain('kilo run "…"');
    expect(said).toContain('KILO_TELEMETRY_LEVEL=off');
    expect(windowCommand('kilo')).toBe('KILO_TELEMETRY_LEVEL=off kilo run "…"');
  });

  it("gives Qwen Code's settings.json and command line as its section and its tests do", () => {
    expect(windowJson('qwen')).toEqual(qwenSettings());
    expect(windowJson('qwen')).toEqual(JSON.parse(fenced('json', 'Qwen Code')));
    expect(windowFile('qwen').path).toBe('~/.qwen/settings.json');
    const command = windowCommand('qwen');
    expect(command).toBe(`OPENAI_BASE_URL=${URL}/v1 OPENAI_API_KEY=${readmeKey} qwen`);
    expect(spans(point)).toContain(command);
  });

  it("gives pi's models.json and command line as its section and its tests do", () => {
    expect(windowJson('pi')).toEqual(piModels(URL));
    expect(windowFile('pi').path).toBe('~/.pi/agent/models.json');
    const command = windowCommand('pi');
    expect(command).toBe(`ORCHIDS_TRAY_API_KEY=${readmeKey} pi --offline --provider orchids --model claude-sonnet-4-6`);
    expect(spans(point)).toContain(command);
  });

  it('gives, in the window, a setup for every client in the at-a-glance table that has a tab of its own', () => {
    // The table's coding agents, each a tab under "Coding agents" whose accessible name is the client's README name.
    const table = tableRows(point, 'Client').map((row) => row[0]!);
    const agents = snippets(URL, false)
      .filter((snippet) => snippet.group === 'agents')
      .map((snippet) => snippet.label + (snippet.suffix ?? ''));
    expect(agents).toEqual(table.filter((client) => !/SDK/.test(client)));
  });

  it("gives Claude Code's command line as the window, the tray and the headless app do", () => {
    const command = claudeCodeCommand(URL, 'not-needed');
    expect(codeTexts(point)).toContain(command);
    // The headless app's "Use it:" line in "Set up a fresh machine" comes from the same function.
    expect(readme).toContain(`Use it: ${command}`);
  });

  it("gives Claude Code's command line that runs in a clone where claude is not on PATH", () => {
    // This repository's own Claude Code is a devDependency, in node_modules/.bin, not on PATH: a bare `claude` there
    // is "command not found". npx runs that one within the clone, and fetches the same package anywhere else (where
    // `npx claude` would fetch an unrelated package named "claude").
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies).toHaveProperty('@anthropic-ai/claude-code');
    const bin = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json');
    expect((JSON.parse(fs.readFileSync(bin, 'utf8')) as { bin: Record<string, string> }).bin).toHaveProperty('claude');
    const block = /^```sh\n([\s\S]*?)^```/m.exec(point)![1]!.replace(/ \\\n\s*/g, ' ');
    const command = claudeCodeCommand(URL, 'not-needed').replace(/ claude$/, ' npx @anthropic-ai/claude-code');
    expect(block.split('\n')).toContain(command);
  });

  it("gives Cline CLI's commands and base URL as the window does", () => {
    const normalise = (text: string): string =>
      text.replaceAll('<key>', 'KEY').replaceAll('not-needed', 'KEY').replaceAll('http://127.0.0.1:<port>', URL);
    const windowLines = windowSnippet('cline')
      .parts.flatMap((part) => part.text.split('\n'))
      .map(normalise);
    const commands = spans(point)
      .filter((span) => span.startsWith('cline auth ') || span.startsWith('"baseUrl"'))
      .map(normalise);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    expect(commands.filter((command) => !windowLines.includes(command))).toEqual([]);
  });
});

describe("README: the window's pictures", () => {
  const shots = path.join(ROOT, 'docs', 'screenshots');
  const linked = [...readme.matchAll(/(?:src|href)="(docs\/[^"]+)"/g)].map((match) => match[1]!);

  it('links only pictures that are in the repository', () => {
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.filter((file) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
  });

  // `npm run screenshots` takes each picture for the README: one it takes and the README never shows is a picture
  // nobody sees (or a reference left out).
  it('shows every picture in docs/screenshots', () => {
    const taken = fs.readdirSync(shots).filter((name) => name.endsWith('.png'));
    expect(taken.filter((name) => !linked.includes(`docs/screenshots/${name}`))).toEqual([]);
  });
});
