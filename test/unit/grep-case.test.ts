import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { caseFoldedPattern } from '../../main/core/orchids/grep-case';
import {
  clientToolSchema,
  inputRepairMayApply,
  repairToolInput,
  resolveClientToolName,
} from '../../main/core/orchids/tool-mapping';
import {
  CLAUDE_CODE_SEARCH_TOOLS,
  CLINE_CLI_TOOLS,
  CLINE_TOOLS,
  OPENCODE_TOOLS,
  claudeCodeTools,
} from '../helpers/client-tools';

function route(upstreamName: string, input: Record<string, unknown>, declared: ToolDefinition[]) {
  const clientName = resolveClientToolName(upstreamName, declared, input);
  if (clientName === undefined) throw new Error(`${upstreamName} resolved to nothing`);
  return {
    name: clientName,
    input: repairToolInput(input, clientToolSchema(clientName, declared), { upstreamName, clientName }),
  };
}

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

/** The lines a pattern matches: `new RegExp(p, 'i')` against the folded pattern without the flag. */
function matching(pattern: string, flags = ''): string[] {
  const regex = new RegExp(pattern, flags);
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

  it.each(PATTERNS)('%s: the same lines as a case-insensitive JavaScript RegExp', (pattern) => {
    const folded = caseFoldedPattern(pattern);
    expect(matching(folded)).toEqual(matching(pattern, 'i'));
  });

  it.each(PATTERNS.filter((p) => !p.includes('(?:') && !p.includes('\\d') && !p.includes('\\b')))(
    '%s: the same lines as GNU grep -iE',
    (pattern) => {
      expect(grepMatching(caseFoldedPattern(pattern), false)).toEqual(grepMatching(pattern, true));
    },
  );

  it('leaves escapes, hex and Unicode arguments, group names and inline flags as written', () => {
    expect(caseFoldedPattern('\\w+\\x4a\\u00e9\\p{Lu}\\D')).toBe('\\w+\\x4a\\u00e9\\p{Lu}\\D');
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

  it('leaves a letter with no single other case (ß, digits) alone', () => {
    expect(caseFoldedPattern('straße')).toBe('[sS][tT][rR][aA]ß[eE]');
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
