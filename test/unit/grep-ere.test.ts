import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asciiDigits, rustRegexToEre } from '../../main/core/orchids/grep-ere';
import { RIPGREP_DIR } from '../helpers/pi';
import { tempDir } from '../helpers/temp-dir';

/** Lines that tell the shorthands apart: digits, words, spaces, punctuation, brackets, a backslash. */
const LINES = [
  'plum-42',
  'plum-x',
  'under_score',
  'two  spaces',
  'tab\there',
  'ends.with.dots.',
  'a]b',
  'caret^here',
  'dash-here',
  'back\\d slash',
  'ABC',
  'Plum-7',
  'x/y',
  'ddd',
];

function linesFile(): string {
  const file = path.join(tempDir('orchids-grep-ere-'), 'lines.txt');
  fs.writeFileSync(file, LINES.join('\n') + '\n');
  return file;
}

/** The lines `command` prints of the file, run as the machine has it. */
function matching(command: string, args: string[]): string[] {
  const run = spawnSync(command, args, { encoding: 'utf8', env: { LC_ALL: 'C.UTF-8', PATH: '/usr/bin:/bin' } });
  expect(run.status, run.stderr).toBeLessThan(2);
  return run.stdout.split('\n').filter((line) => line !== '');
}

describe('a ripgrep pattern in the words of grep -E', () => {
  const cases = [
    'plum-\\d+',
    '^\\D+$',
    '[\\d_]',
    '[^\\d\\s]+$',
    '\\w+_\\w+',
    '\\W',
    '\\s\\s',
    '\\S+\\s\\S',
    '\\bhere\\b',
    '\\.$',
    '[\\]]',
    '[\\^]',
    '[\\-x]h',
    '[-\\^]h',
    '\\\\',
    '\\\\d',
    '\\x41\\x42',
    '\\t',
    '(?:plum|dash)-\\w',
    'd+?d',
    '(?i)^plum-\\d',
    '\\/',
    '[[:upper:]]{3}',
    'd{3}?',
  ];

  it.each(cases)('%s finds the lines ripgrep finds', (pattern) => {
    const file = linesFile();
    const ere = rustRegexToEre(pattern);
    if (!('pattern' in ere)) throw new Error(ere.unsupported);
    const rg = matching(path.join(RIPGREP_DIR, 'rg'), ['--no-config', '-e', pattern, '--', file]);
    expect(rg.length).toBeGreaterThan(0);
    expect(matching('grep', ['-E', ...(ere.ignoreCase ? ['-i'] : []), '-e', ere.pattern, '--', file])).toEqual(rg);
  });

  it('finds, without the translation, nothing or other lines for the shorthands grep -E lacks', () => {
    const file = linesFile();
    // GNU grep 3.8 reads `\d` as `d` and `[\d_]` as a backslash, a `d` or an underscore.
    expect(matching('grep', ['-E', '-e', 'plum-\\d+', '--', file])).toEqual([]);
    expect(matching('grep', ['-E', '-e', '[\\d_]', '--', file])).toEqual([
      'under_score',
      'ends.with.dots.',
      'dash-here',
      'back\\d slash',
      'ddd',
    ]);
  });

  it.each([
    ['\\p{L}', 'the escape \\p'],
    ['(?=x)', 'the group (?='],
    ['a(?i)b', 'the group (?i)'],
    ['\\Aplum', 'the escape \\A'],
    ['[\\D_]', '\\D inside [ ]'],
    ['[a-z&&[^aeiou]]', 'the class operator &&'],
    ['\\x{1F600}', 'the escape \\x'],
    ['plum\\', 'a trailing backslash'],
  ])('says what in %s grep -E cannot read', (pattern, unsupported) => {
    expect(rustRegexToEre(pattern)).toEqual({ unsupported });
  });
});

describe('digits in ASCII, the one rewrite every search engine reads alike', () => {
  it.each([
    ['plum-\\d+', 'plum-[0-9]+'],
    ['\\D', '[^0-9]'],
    ['[\\d_]+', '[0-9_]+'],
    ['[^\\d]', '[^0-9]'],
    ['[]\\d]', '[]0-9]'],
    ['[[:alpha:]\\d]', '[[:alpha:]0-9]'],
    ['\\\\d', '\\\\d'],
    ['[\\D]', '[\\D]'],
    ['\\w\\s\\b', '\\w\\s\\b'],
  ])('%s → %s', (pattern, rewritten) => {
    expect(asciiDigits(pattern)).toBe(rewritten);
  });
});
