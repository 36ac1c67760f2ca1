import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import { claudeCodeTools, CONTINUE_CLI_EDIT_TOOLS, CONTINUE_CLI_TOOLS, OPENCODE_TOOLS } from '../helpers/client-tools';

/** Continue CLI 1.5.47's MultiEdit results, as the real one sent them (continue-edit-routes.test.ts), folder `/w`. */
const NOT_FOUND = 'Edit at index 0: string not found in file: "date = 9"';
const NOT_READ = 'You must use the Read tool to read /w/date.txt before editing it.';
const EDITED = 'Successfully edited /w/date.txt with 1 edit\nDiff:\n-date = 1\n+date = 2\n';

/** The result block the upstream is sent for `content`, answering a call `name` of the file `/w/date.txt`. */
function sent(content: unknown, { name = 'MultiEdit', tools = CONTINUE_CLI_TOOLS, extra = {} } = {}) {
  const input = { file_path: '/w/date.txt', edits: [{ old_string: 'date = 9', new_string: 'date = 2' }] };
  const messages = [
    { role: 'user', content: 'Change it.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_e', name, input }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'toolu_e', content, ...extra };
  const rewrite = resultRewrites(messages, tools)?.get('toolu_e');
  return rewrite ? rewrite(block) : block;
}

describe("Continue CLI's MultiEdit result, a refusal given to the agent as an error", () => {
  it('flags a refused edit, or a throw while writing, its words and shape as they came', () => {
    const threw = 'Error executing tool MultiEdit: EACCES: permission denied';
    for (const words of [NOT_FOUND, NOT_READ, 'File /w/date.txt does not exist', threw]) {
      expect(sent(words)).toEqual({ type: 'tool_result', tool_use_id: 'toolu_e', content: words, is_error: true });
    }
    expect(sent([{ type: 'text', text: NOT_FOUND }])).toMatchObject({
      content: [{ type: 'text', text: NOT_FOUND }],
      is_error: true,
    });
  });

  it('leaves a success, another tool’s result and another client’s as they were', () => {
    expect(sent(EDITED)).toEqual({ type: 'tool_result', tool_use_id: 'toolu_e', content: EDITED });
    expect(sent(NOT_FOUND, { name: 'Bash' })).not.toHaveProperty('is_error');
    expect(sent(NOT_FOUND, { tools: OPENCODE_TOOLS })).not.toHaveProperty('is_error');
  });
});

describe("Continue CLI's Edit result (a model cn does not count as capable), a refusal given as an error", () => {
  const edit = { name: 'Edit', tools: CONTINUE_CLI_EDIT_TOOLS };

  it('flags a refused edit in the words cn gives its MultiEdit’s, or a throw while writing', () => {
    for (const words of [NOT_FOUND, NOT_READ, 'Error executing tool Edit: EACCES: permission denied']) {
      expect(sent(words, edit)).toEqual({
        type: 'tool_result',
        tool_use_id: 'toolu_e',
        content: words,
        is_error: true,
      });
    }
  });

  it('leaves a success as it was, and the same words answering Claude Code’s Edit', () => {
    expect(sent('Successfully edited /w/date.txt\nDiff:\n', edit)).not.toHaveProperty('is_error');
    expect(sent(NOT_FOUND, { name: 'Edit', tools: claudeCodeTools() })).not.toHaveProperty('is_error');
  });
});
