import { describe, expect, it } from 'vitest';
import { continueWorkingDirectory, sameFileKey } from '../../main/core/anthropic/continue-paths';

/** cn 1.5.47's system prompt, as its systemMessage.ts writes it. */
const CN_SYSTEM =
  'You are an agent in the Continue CLI.\n\nNotes:\n1. Be concise.\n<env>\nWorking directory: /tmp/work\n' +
  'Is directory a git repo: false\nPlatform: linux\n</env>\n';

describe('continueWorkingDirectory', () => {
  it("reads the working directory from cn's <env> block, as a string or as text blocks", () => {
    expect(continueWorkingDirectory({ system: CN_SYSTEM, messages: [] })).toBe('/tmp/work');
    const blocks = [
      { type: 'text' as const, text: 'rules' },
      { type: 'text' as const, text: CN_SYSTEM },
    ];
    expect(continueWorkingDirectory({ system: blocks, messages: [] })).toBe('/tmp/work');
  });

  it('takes no working directory from words outside the <env> block', () => {
    expect(continueWorkingDirectory({ system: 'Working directory: /elsewhere\n', messages: [] })).toBeUndefined();
    expect(continueWorkingDirectory({ messages: [] })).toBeUndefined();
    expect(continueWorkingDirectory(undefined)).toBeUndefined();
  });
});

describe('sameFileKey', () => {
  it('resolves every spelling of a file against the working directory', () => {
    for (const file of ['plan.txt', './plan.txt', 'docs/../plan.txt', '/tmp/work//plan.txt']) {
      expect(sameFileKey(file, '/tmp/work'), file).toBe('/tmp/work/plan.txt');
    }
  });

  it('normalises what it can without one', () => {
    expect(sameFileKey('./a//b/../c.txt', undefined)).toBe('a/c.txt');
    expect(sameFileKey('/x/./y.txt', undefined)).toBe('/x/y.txt');
  });

  it("goes by Windows' rules, case-folded, where cn's working directory has a drive letter", () => {
    for (const file of ['src\\a.ts', 'SRC\\A.ts', 'C:/work/src/a.ts', 'c:\\Work\\Src\\.\\A.TS', '..\\WORK\\src\\a.ts'])
      expect(sameFileKey(file, 'C:\\Work'), file).toBe('c:\\work\\src\\a.ts');
    // A UNC share is a Windows working directory too.
    expect(sameFileKey('Docs\\Plan.md', '\\\\Server\\Share')).toBe(sameFileKey('docs/plan.md', '\\\\server\\share'));
  });

  it('takes a path with a drive letter or backslashes as Windows’ when the working directory is not known', () => {
    expect(sameFileKey('C:\\Work\\A.ts', undefined)).toBe(sameFileKey('c:/work/a.ts', undefined));
    expect(sameFileKey('Src\\..\\A.ts', undefined)).toBe(sameFileKey('a.ts', undefined));
  });

  it('keeps case and backslashes as they are on Linux and macOS, where they make other files', () => {
    expect(sameFileKey('Plan.txt', '/tmp/work')).not.toBe(sameFileKey('plan.txt', '/tmp/work'));
    expect(sameFileKey('a\\b.txt', '/tmp/work')).toBe('/tmp/work/a\\b.txt');
    expect(sameFileKey('/X/y.txt', undefined)).toBe('/X/y.txt');
  });
});
