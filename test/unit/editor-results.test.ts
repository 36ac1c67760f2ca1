import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import {
  EDITED,
  EDIT_OF_MISSING,
  ONE_OCCURRENCE,
  WRITE_OVER_EXISTING,
} from '../../main/core/orchids/gen-b/editor-results';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import { CLINE_CLI_TOOLS, OPENCODE_TOOLS } from '../helpers/client-tools';

/** Cline CLI 3.0.65's `editor` results, as the real one sent them (cline-edit-routes.test.ts), the folder `/w`. */
const NOT_FOUND = 'Editor operation failed: No replacement performed: text not found in /w/date.txt.';
const EDITED_WORDS = 'Edited /w/date.txt\n```diff\n-1: date = 1\n+1: date = 2\n```';
const CREATED_WORDS = 'File created successfully at: /w/date.txt';
const run = (result: string) => JSON.stringify({ query: 'edit:/w/date.txt', result, success: true });
const CAPTURED = {
  notFound: JSON.stringify({ query: 'edit:/w/date.txt', result: '', error: NOT_FOUND, success: false }),
  edited: run(EDITED_WORDS),
  created: run(CREATED_WORDS),
};

/** The agent's Edit and Write of `/w/date.txt`, as Cline's editor calls. */
const EDIT = { path: '/w/date.txt', old_text: 'date = 9', new_text: 'date = 2' };
const WRITE = { path: '/w/date.txt', new_text: 'date = 2\n' };

/** The result block the upstream is sent for `content`, answering an editor call of `/w/date.txt`. */
function sent(content: unknown, extra: Record<string, unknown> = {}, tools = CLINE_CLI_TOOLS, input: object = EDIT) {
  const messages = [
    { role: 'user', content: 'Change it.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_e', name: 'editor', input }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'toolu_e', content, ...extra };
  const rewrite = resultRewrites(messages, tools)?.get('toolu_e');
  return rewrite ? rewrite(block) : block;
}

describe("Cline CLI's editor result, given to the agent as its own Edit's: a failure as an error", () => {
  it('gives a failed edit as an error in Cline’s words, in the shape it came', () => {
    expect(sent(CAPTURED.notFound)).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_e',
      content: NOT_FOUND,
      is_error: true,
    });
    expect(sent([{ type: 'text', text: CAPTURED.notFound }])).toMatchObject({
      content: [{ type: 'text', text: NOT_FOUND }],
      is_error: true,
    });
  });

  it('tells, after Cline’s words, how to replace every occurrence of a text found more than once', () => {
    const several =
      'Editor operation failed: No replacement performed: multiple occurrences of text found in /w/date.txt.';
    const refused = JSON.stringify({ query: 'edit:/w/date.txt', result: '', error: several, success: false });
    expect(sent(refused)).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_e',
      content: `${several}\n\n${ONE_OCCURRENCE}`,
      is_error: true,
    });
    expect(ONE_OCCURRENCE).toContain(
      'Read the whole file, then make the edit with replace_all again, as an Edit or in',
    );
  });

  it('gives a success as Cline’s words about it alone, in the shape it came', () => {
    expect(sent(CAPTURED.edited)).toEqual({ type: 'tool_result', tool_use_id: 'toolu_e', content: EDITED_WORDS });
    const created = { type: 'tool_result', tool_use_id: 'toolu_e', content: CREATED_WORDS };
    expect(sent(CAPTURED.created, {}, CLINE_CLI_TOOLS, WRITE)).toEqual(created);
    // An Edit whose old text is empty creates a missing file, as the agent's own does.
    expect(sent(CAPTURED.created, {}, CLINE_CLI_TOOLS, { ...EDIT, old_text: '' })).toEqual(created);
    expect(sent([{ type: 'text', text: CAPTURED.edited }])).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_e',
      content: [{ type: 'text', text: EDITED_WORDS }],
    });
  });

  it('tells a Write over an existing file in the agent’s tools, not Cline’s keys, as an error', () => {
    // Cline 3.0.65's words, as cline-edit-routes.test.ts saw them.
    const exists =
      'Editor operation failed: /w/date.txt already exists, but `old_text` was omitted. To edit an existing file, ' +
      'set `old_text` to the exact text in the file that `new_text` should replace (read the file first if ' +
      'needed). To insert instead, provide `insert_line`. Do not re-send this call unchanged.';
    const told = sent(JSON.stringify({ query: 'edit:/w/date.txt', result: '', error: exists, success: false }));
    expect(told).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_e',
      content: WRITE_OVER_EXISTING('/w/date.txt'),
      is_error: true,
    });
    expect(told['content']).toMatch(/^\/w\/date\.txt already exists.*Edit \(old_string/);
    expect(told['content']).not.toMatch(/old_text|insert_line/);
  });

  it('tells an Edit that Cline ran by creating the missing file, holding only the new text, as an error', () => {
    const told = sent(CAPTURED.created);
    expect(told).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_e',
      content: EDIT_OF_MISSING('/w/date.txt'),
      is_error: true,
    });
    expect(told['content']).toMatch(/^\/w\/date\.txt did not exist.*only new_string.*Read it.*Write the whole file/);
    expect(sent([{ type: 'text', text: CAPTURED.created }])).toMatchObject({
      content: [{ type: 'text', text: EDIT_OF_MISSING('/w/date.txt') }],
      is_error: true,
    });
  });

  it('names the file of a success Cline said nothing about', () => {
    expect(sent(run(''))).toEqual({ type: 'tool_result', tool_use_id: 'toolu_e', content: EDITED('/w/date.txt') });
    expect(sent(run(' \n'))).toMatchObject({ content: 'The file /w/date.txt was edited.' });
  });

  it('leaves a refusal, another file’s result, another shape and another client’s edit tool as they were', () => {
    const refused = { content: 'This tool call was rejected by the user', is_error: true };
    expect(sent(refused.content, { is_error: true })).toMatchObject(refused);
    const other = CAPTURED.notFound.replace('edit:/w/date.txt', 'edit:/w/fig.txt');
    expect(sent(other)).toMatchObject({ content: other });
    expect(sent(other)).not.toHaveProperty('is_error');
    const otherSuccess = CAPTURED.edited.replace('edit:/w/date.txt', 'edit:/w/fig.txt');
    expect(sent(otherSuccess)).toMatchObject({ content: otherSuccess });
    const list = `[${CAPTURED.edited}]`;
    expect(sent(list)).toMatchObject({ content: list });
    const halfway = JSON.stringify({ ...JSON.parse(CAPTURED.edited), error: 'Editor operation failed: …' });
    expect(sent(halfway)).toMatchObject({ content: halfway });
    expect(sent(CAPTURED.notFound, {}, OPENCODE_TOOLS)).not.toHaveProperty('is_error');
    expect(sent(CAPTURED.edited, {}, OPENCODE_TOOLS)).toMatchObject({ content: CAPTURED.edited });
  });
});
