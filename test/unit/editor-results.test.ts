import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import { CLINE_CLI_TOOLS, OPENCODE_TOOLS } from '../helpers/client-tools';

/** Cline CLI 3.0.65's `editor` results, as the real one sent them (cline-edit-routes.test.ts), the folder `/w`. */
const NOT_FOUND = 'Editor operation failed: No replacement performed: text not found in /w/date.txt.';
const CAPTURED = {
  notFound: JSON.stringify({ query: 'edit:/w/date.txt', result: '', error: NOT_FOUND, success: false }),
  edited: JSON.stringify({ query: 'edit:/w/date.txt', result: 'Edited /w/date.txt', success: true }),
};

/** The result block the upstream is sent for `content`, answering an editor call of `/w/date.txt`. */
function sent(content: unknown, extra: Record<string, unknown> = {}, tools = CLINE_CLI_TOOLS) {
  const input = { path: '/w/date.txt', old_text: 'date = 9', new_text: 'date = 2' };
  const messages = [
    { role: 'user', content: 'Change it.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_e', name: 'editor', input }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'toolu_e', content, ...extra };
  const rewrite = resultRewrites(messages, tools)?.get('toolu_e');
  return rewrite ? rewrite(block) : block;
}

describe("Cline CLI's editor result, a failure given to the agent as an error", () => {
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

  it('leaves a success, a refusal, another file’s result and another client’s edit tool as they were', () => {
    expect(sent(CAPTURED.edited)).toEqual({ type: 'tool_result', tool_use_id: 'toolu_e', content: CAPTURED.edited });
    const refused = { content: 'This tool call was rejected by the user', is_error: true };
    expect(sent(refused.content, { is_error: true })).toMatchObject(refused);
    const other = CAPTURED.notFound.replace('edit:/w/date.txt', 'edit:/w/fig.txt');
    expect(sent(other)).not.toHaveProperty('is_error');
    expect(sent(CAPTURED.notFound, {}, OPENCODE_TOOLS)).not.toHaveProperty('is_error');
  });
});
