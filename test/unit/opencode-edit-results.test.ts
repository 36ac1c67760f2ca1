import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import { CLINE_CLI_TOOLS, CONTINUE_CLI_TOOLS, OPENCODE_TOOLS } from '../helpers/client-tools';

/**
 * opencode 1.18.33's `edit` results, as the real one sent them through Chat Completions (opencode-edit-routes.test.ts,
 * helpers/opencode-edits.ts), folder `/w`.
 */
const REFUSED = [
  'Could not find oldString in the file. It must match exactly, including whitespace, indentation, and line endings.',
  'Found multiple matches for oldString. Provide more surrounding context to make the match unique.',
  'No changes to apply: oldString and newString are identical.',
  'File /w/nope.txt not found',
];
const EDITED = 'Edit applied successfully.';

/** The result block the upstream is sent for `content`, answering a call `name` of the file `/w/date.txt`. */
function sent(content: unknown, { name = 'edit', tools = OPENCODE_TOOLS } = {}) {
  const input = { filePath: '/w/date.txt', oldString: 'date = 9', newString: 'date = 2' };
  const messages = [
    { role: 'user', content: 'Change it.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'call_e', name, input }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'call_e', content };
  const rewrite = resultRewrites(messages, tools)?.get('call_e');
  return rewrite ? rewrite(block) : block;
}

describe("opencode's edit result, a refusal given to the agent as an error", () => {
  it('flags a refused edit, its words and shape as they came', () => {
    for (const words of REFUSED) {
      expect(sent(words)).toEqual({ type: 'tool_result', tool_use_id: 'call_e', content: words, is_error: true });
    }
    expect(sent([{ type: 'text', text: REFUSED[0] }])).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_e',
      content: [{ type: 'text', text: REFUSED[0] }],
      is_error: true,
    });
  });

  it('leaves a success, a refusal quoted inside other words, another tool’s result and another client’s', () => {
    expect(sent(EDITED)).toEqual({ type: 'tool_result', tool_use_id: 'call_e', content: EDITED });
    expect(sent(`The file says: ${REFUSED[0]}`)).not.toHaveProperty('is_error');
    expect(sent(REFUSED[0], { name: 'bash' })).not.toHaveProperty('is_error');
    for (const tools of [CONTINUE_CLI_TOOLS, CLINE_CLI_TOOLS]) {
      expect(sent(REFUSED[0], { tools })).not.toHaveProperty('is_error');
    }
  });
});
