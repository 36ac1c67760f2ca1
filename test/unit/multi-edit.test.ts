import { describe, expect, it } from 'vitest';
import { multiEditAsEdits } from '../../main/core/anthropic/multi-edit';

const FILE = '/work/app.ts';
const edits = [
  { old_string: 'let a = 1;', new_string: 'const a = 1;' },
  { old_string: 'old()', new_string: 'renamed()', replace_all: true },
];

describe('multiEditAsEdits: the agent MultiEdit as one Edit call an edit', () => {
  it('gives each edit, in order, with the file and replace_all only where the edit asked for it', () => {
    expect(multiEditAsEdits('MultiEdit', { file_path: FILE, edits })).toEqual([
      { file_path: FILE, old_string: 'let a = 1;', new_string: 'const a = 1;' },
      { file_path: FILE, old_string: 'old()', new_string: 'renamed()', replace_all: true },
    ]);
  });

  it('knows MultiEdit by its aliases, and the file under `path`', () => {
    expect(multiEditAsEdits('multi_edit', { path: FILE, edits: edits.slice(0, 1) })).toEqual([
      { file_path: FILE, old_string: 'let a = 1;', new_string: 'const a = 1;' },
    ]);
  });

  it('leaves other tools alone', () => {
    expect(multiEditAsEdits('Edit', { file_path: FILE, edits })).toBeUndefined();
    expect(multiEditAsEdits('TodoWrite', { file_path: FILE, edits })).toBeUndefined();
  });

  it('does not split a call it cannot split whole: no file, no edits, a bad edit, too many edits', () => {
    const bad = [
      { edits },
      { file_path: '', edits },
      { file_path: FILE },
      { file_path: FILE, edits: [] },
      { file_path: FILE, edits: [...edits, { old_string: 'x' }] },
      { file_path: FILE, edits: [...edits, 'x'] },
      { file_path: FILE, edits: Array.from({ length: 21 }, (_, i) => ({ old_string: `${i}`, new_string: '' })) },
    ];
    for (const input of bad) expect(multiEditAsEdits('MultiEdit', input)).toBeUndefined();
  });
});
