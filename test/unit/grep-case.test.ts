import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { IRREGULAR_FOLDS, caseFoldedPattern, foldOf } from '../../main/core/orchids/grep-case';
import { clientToolSchema, inputRepairMayApply, repairToolInput } from '../../main/core/orchids/tool-mapping';
import {
  CLAUDE_CODE_SEARCH_TOOLS,
  CLINE_CLI_TOOLS,
  CLINE_TOOLS,
  OPENCODE_TOOLS,
  claudeCodeTools,
} from '../helpers/client-tools';
import { routeToolCall as route } from '../helpers/tool-routing';

const LINES = [
  'TODO: fix the parser',
  'todo later',
  'ToDo list',
  'a Kelvin-scaled value',
  'class FooBar extends Base {',
  'foo_bar = BAZ_42',
  'x-y-z and X-Y-Z',
  'fn main() { println!("hi") }',
  'ÉCOLE école',
  'nothing here',
];

/**
 * The lines a pattern matches, in JavaScript's Unicode mode, whose `i` applies Unicode's simple case folding as
 * ripgrep's does: `matching(p, 'i')` against `matching(caseFoldedPattern(p))`.
 */
function matching(pattern: string, flags = ''): string[] {
  const regex = new RegExp(pattern, `${flags}u`);
  return LINES.filter((line) => regex.test(line));
}

/** The same with GNU grep's extended regex: an engine other than JavaScript's, run as a process. */
function grepMatching(pattern: string, ignoreCase: boolean): string[] {
  const args = ['-E', ...(ignoreCase ? ['-i'] : []), '--', pattern];
  const result = spawnSync('grep', args, { input: `${LINES.join('\n')}\n`, encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

describe('caseFoldedPattern', () => {
  // Each pattern matches, folded and without a flag, exactly the lines it matches with the engine's own -i.
  const PATTERNS = [
    'todo',
    'TODO:',
    '^todo',
    'foo_?bar',
    'class\\s+foobar',
    '[a-f]oo',
    '[^a-z ]+',
    '[x-z]-[y]',
    '(?:foo|baz)_\\d+',
    'println!\\(',
    '\\bBASE\\b',
    'école',
    'b[aeiou]z',
  ];

  it.each(PATTERNS)('%s: the same lines as a case-insensitive JavaScript RegExp (/iu)', (pattern) => {
    const folded = caseFoldedPattern(pattern);
    expect(matching(folded)).toEqual(matching(pattern, 'i'));
  });

  it.each(PATTERNS.filter((p) => !p.includes('(?:') && !p.includes('\\d') && !p.includes('\\b')))(
    '%s: the same lines as GNU grep -iE',
    (pattern) => {
      expect(grepMatching(caseFoldedPattern(pattern), false)).toEqual(grepMatching(pattern, true));
    },
  );

  it('leaves escapes and their arguments, group names and inline flags as written', () => {
    expect(caseFoldedPattern('\\w+\\p{Lu}\\D\\cJ')).toBe('\\w+\\p{Lu}\\D\\cJ');
    expect(caseFoldedPattern('(?<word>ab)\\k<word>')).toBe('(?<word>[aA][bB])\\k<word>');
    expect(caseFoldedPattern('(?P<n>a)(?P=n)')).toBe('(?P<n>[aA])(?P=n)');
    expect(caseFoldedPattern('(?s:a.b)')).toBe('(?s:[aA].[bB])');
    expect(caseFoldedPattern('(?=a)(?<!b)')).toBe('(?=[aA])(?<![bB])');
    expect(caseFoldedPattern('[[:alpha:]x]')).toBe('[[:alpha:]xX]');
    expect(caseFoldedPattern('12_-+')).toBe('12_-+');
  });

  it('never lets an added letter make a range, and keeps a class it cannot close as written', () => {
    expect(caseFoldedPattern('[a-]')).toBe('[aA-]');
    expect(caseFoldedPattern('[-a]')).toBe('[-aA]');
    expect(caseFoldedPattern('[a-fX]')).toBe('[a-fA-FXx]');
    expect(caseFoldedPattern('[%-a]')).toBe('[%-a]');
    expect(caseFoldedPattern('[ab')).toBe('[ab');
    expect(() => new RegExp(caseFoldedPattern('[a-][-b][c-d-]'))).not.toThrow();
  });

  it('folds as Unicode does: the Kelvin sign, the long s, final sigma, ẞ; not the Turkish i, not SS for ß', () => {
    expect(caseFoldedPattern('kiss')).toBe('[kK\u212a][iI][sSſ][sSſ]');
    expect(caseFoldedPattern('Σ')).toBe('[Σσς]');
    expect(caseFoldedPattern('straße')).toBe('[sSſ][tT][rR][aA][ßẞ][eE]');
    expect(caseFoldedPattern('İı7_')).toBe('İı7_');
  });

  it('a letter given as a code escape is folded too, its escape kept', () => {
    expect(caseFoldedPattern('\\x41\\u0062\\u{63}')).toBe('[\\x41a][\\u0062B][\\u{63}C]');
    expect(caseFoldedPattern('[\\x41]')).toBe('[\\x41a]');
    expect(caseFoldedPattern('\\x31')).toBe('\\x31');
  });

  it('the table of irregular folds is what Node’s own case data gives, for every code point', () => {
    const derived: string[] = [];
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      const fold = foldOf(char);
      if (fold !== undefined && char !== fold && char !== fold.toUpperCase()) derived.push(char + fold);
    }
    expect(IRREGULAR_FOLDS).toEqual(derived);
  });

  it('random patterns: a valid one stays valid and matches what /iu matches, on random text', () => {
    // A seeded generator (mulberry32), so a failure names a pattern that fails again.
    let seed = 0x5eed;
    const random = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const atoms = [
      'a',
      'B',
      'k',
      'K',
      's',
      'ß',
      'Σ',
      'ς',
      'é',
      '.',
      '[a-c]',
      '[^xY]',
      '[j-t]',
      '(?:ab|Cd)',
      '(?<n>q)',
      '\\x41',
      '\\u0061',
      '[-a]',
      '[a-]',
      '\\.',
      '-',
      '_',
      '1',
      '*',
      '+',
      '?',
      '(?=b)',
      '|',
      '^',
      '$',
      'µ',
      '\\d',
    ];
    const letters = [...'abkKsSxyY_ 1.-éÉßẞſΣσςµμ\u212a'];
    for (let round = 0; round < 3000; round++) {
      let pattern = '';
      for (let i = 1 + random(5); i > 0; i--) pattern += atoms[random(atoms.length)];
      let caseless: RegExp;
      try {
        caseless = new RegExp(pattern, 'iu');
      } catch {
        continue;
      }
      const folded = new RegExp(caseFoldedPattern(pattern), 'u');
      for (let sample = 0; sample < 10; sample++) {
        let text = '';
        for (let i = random(6); i > 0; i--) text += letters[random(letters.length)];
        expect({ pattern, text, matches: folded.test(text) }).toEqual({ pattern, text, matches: caseless.test(text) });
      }
    }
  });
});

describe('the agent Grep’s -i for a client search tool without a case switch', () => {
  it('opencode’s grep gets a caseless pattern and no -i', () => {
    const call = route('Grep', { pattern: 'todo', '-i': true, path: 'src' }, OPENCODE_TOOLS);
    expect(call).toEqual({ name: 'grep', input: { pattern: '[tT][oO][dD][oO]', path: 'src' } });
    expect(matching(call.input['pattern'] as string)).toEqual(matching('todo', 'i'));
  });

  it('Cline’s search_files (regex) and Cline CLI’s search_codebase (queries) get it too', () => {
    expect(route('Grep', { pattern: 'Foo', '-i': true }, CLINE_TOOLS).input).toMatchObject({
      regex: '[Ff][oO][oO]',
    });
    expect(route('Grep', { pattern: 'Foo', '-i': true }, CLINE_CLI_TOOLS).input).toEqual({
      queries: ['[Ff][oO][oO]'],
    });
  });

  it('a search without -i, and a client tool with its own switch, keep the pattern as the agent wrote it', () => {
    expect(route('Grep', { pattern: 'Foo' }, OPENCODE_TOOLS).input).toEqual({ pattern: 'Foo' });
    expect(route('Grep', { pattern: 'Foo', '-i': false }, OPENCODE_TOOLS).input['pattern']).toBe('Foo');
    const claudeCode = [...claudeCodeTools(), ...CLAUDE_CODE_SEARCH_TOOLS];
    expect(route('Grep', { pattern: 'Foo', '-i': true }, claudeCode).input).toEqual({ pattern: 'Foo', '-i': true });
    const ignoreCase: ToolDefinition[] = [
      {
        name: 'search',
        input_schema: { type: 'object', properties: { pattern: { type: 'string' }, ignore_case: { type: 'boolean' } } },
      },
    ];
    expect(
      repairToolInput({ pattern: 'Foo', '-i': true }, clientToolSchema('search', ignoreCase), {
        upstreamName: 'Grep',
        clientName: 'search',
      }),
    ).toEqual({ pattern: 'Foo', ignore_case: true });
  });

  it('is held until its input is whole, since a half-sent pattern cannot be folded', () => {
    expect(inputRepairMayApply('Grep', 'grep', OPENCODE_TOOLS)).toBe(true);
  });
});
