import { describe, expect, it } from 'vitest';
import { captionOf, KEY, partName, snippets } from '../../renderer/src/lib/setup-snippets';

/**
 * Each block of the setup card is copied alone (its own Copy), so each must be right alone: a file block is the whole
 * file and nothing else (it parses as its format), a command block is only what a terminal runs. One block holding a
 * file and its command broke the file when pasted whole (Qwen Code renamed its settings.json .corrupted).
 */
const URL = 'http://127.0.0.1:3002';

/**
 * Each format's reading of a file part; throws on a line the format does not take. DECISION: TOML and YAML by their
 * line shapes (a table header, `key = value`; `key: value`, a list item), as the package has no TOML or YAML parser
 * of its own to lean on; the integration test (setup-snippets.test.ts) has Continue's file read as the Continue tests
 * write it, and README's Codex block is held to the window's (readme-references.test.ts).
 */
function byLines(format: string, line: RegExp): (text: string) => void {
  return (text) => {
    const bad = text.split('\n').filter((l) => l.trim() !== '' && !line.test(l));
    if (bad.length > 0) throw new Error(`not ${format}: ${bad.join(' | ')}`);
  };
}
const parsers: Record<string, (text: string) => unknown> = {
  json: (text) => JSON.parse(text),
  toml: byLines('TOML', /^(\[[\w.-]+\]|[\w-]+ = ("[^"]*"|\d+|true|false))$/),
  yaml: byLines('YAML', /^( {2})*(- )?[\w]+:( [^#]+)?$/),
};

describe.each([false, true])('the setup card, API key set: %s', (apiKeySet) => {
  const all = snippets(URL, apiKeySet);

  it.each(all.flatMap((s) => s.parts.filter((p) => p.kind === 'file').map((p) => [s.id, p] as const)))(
    "%s's file part parses as the file it is saved as",
    (_id, file) => {
      const format = file.path.slice(file.path.lastIndexOf('.') + 1);
      expect(Object.keys(parsers)).toContain(format);
      expect(() => parsers[format]!(file.text)).not.toThrow();
      // Nothing of the command after it.
      expect(file.text).not.toMatch(/then,? in a terminal/i);
    },
  );

  it.each(all.flatMap((s) => s.parts.filter((p) => p.kind === 'command').map((p) => [s.id, p, s] as const)))(
    "%s's command part is only commands: no comment, no line of the tab's file",
    (_id, part, snippet) => {
      const fileLines = snippet.parts
        .filter((p) => p.kind === 'file')
        .flatMap((p) => p.text.split('\n'))
        .map((line) => line.trim())
        .filter((line) => line.length > 1);
      for (const line of part.text.split('\n')) {
        expect(line.trim(), 'a comment line, which zsh runs as a command').not.toMatch(/^(#|\/\/)/);
        expect(line.trim(), 'file contents in a terminal').not.toMatch(/^[{}["]/);
        expect(fileLines).not.toContain(line.trim());
      }
    },
  );

  it('gives every agent that needs a file that file and its command in blocks of their own, each named', () => {
    const kinds = Object.fromEntries(all.map((s) => [s.id, s.parts.map((p) => p.kind).join(' ')]));
    expect(kinds).toMatchObject({
      claude: 'command',
      codex: 'file command',
      opencode: 'file command',
      kilo: 'file command',
      cline: 'command edit command command',
      continue: 'file command',
      qwen: 'file command',
      pi: 'file command',
      curl: 'command',
    });
    const qwen = all.find((s) => s.id === 'qwen')!;
    expect(qwen.parts.map((p) => partName(qwen, p))).toEqual(['settings.json', 'command']);
    expect(qwen.parts.map((p) => captionOf(qwen, p))).toEqual([
      'Save as ~/.qwen/settings.json',
      'Then, in a terminal (or qwen --yolo -p "…" for one answer)',
    ]);
    const claude = all.find((s) => s.id === 'claude')!;
    expect(claude.parts.map((p) => [partName(claude, p), captionOf(claude, p)])).toEqual([['setup', undefined]]);
  });

  it("names each part of a tab apart, for its Copy's accessible name", () => {
    for (const snippet of all) {
      const names = snippet.parts.map((p) => partName(snippet, p));
      expect(new Set(names).size, snippet.id).toBe(names.length);
    }
  });

  it("puts the key where a part needs it, the window's placeholder once one is set", () => {
    const text = all.flatMap((s) => s.parts.map((p) => p.text)).join('\n');
    expect(text.includes(KEY)).toBe(apiKeySet);
    expect(text.includes('not-needed')).toBe(!apiKeySet);
  });
});
