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

describe("a MultiEdit the proxy split into opencode's one-edit calls, each part's failure saying what was made", () => {
  /** The results the upstream is sent for parts `a`, `a-2`, `a-3`… answered with `contents` (undefined: none). */
  function sentParts(contents: Array<string | undefined>, flagged: boolean[] = []) {
    const ids = contents.map((_, i) => (i === 0 ? 'call_a' : `call_a-${i + 1}`));
    const uses = ids.map((id) => ({ type: 'tool_use', id, name: 'edit', input: { filePath: '/w/a.txt' } }));
    const blocks = contents.flatMap((content, i) =>
      content === undefined
        ? []
        : [{ type: 'tool_result', tool_use_id: ids[i], content, ...(flagged[i] ? { is_error: true } : {}) }],
    );
    const messages = [
      { role: 'user', content: 'Change it.' },
      { role: 'assistant', content: uses },
      { role: 'user', content: blocks },
    ] as unknown as Message[];
    const rewrites = resultRewrites(messages, OPENCODE_TOOLS);
    return blocks.map((block) => {
      const rewrite = rewrites?.get(block.tool_use_id!);
      return rewrite ? rewrite(block) : block;
    });
  }
  const note = (place: number, count: number, outcome: string) =>
    `This was edit ${place} of the ${count} of a MultiEdit, which this client makes as one edit call an edit, in ` +
    `order, a failing one undoing none of the others: ${outcome}.`;

  it('names the parts made in each failed part, flagged or known by its words', () => {
    const sent = sentParts([EDITED, REFUSED[0], EDITED, 'Something else went wrong.'], [false, false, false, true]);
    expect(sent.map((block) => block.content)).toEqual([
      EDITED,
      `${REFUSED[0]}\n\n${note(2, 4, 'edits 1 and 3 were made, the others not')}`,
      EDITED,
      `Something else went wrong.\n\n${note(4, 4, 'edits 1 and 3 were made, the others not')}`,
    ]);
    expect(sent.map((block) => block.is_error === true)).toEqual([false, true, false, true]);
    expect(sentParts([REFUSED[0], REFUSED[1]]).map((block) => block.content)).toEqual([
      `${REFUSED[0]}\n\n${note(1, 2, 'none of them was made')}`,
      `${REFUSED[1]}\n\n${note(2, 2, 'none of them was made')}`,
    ]);
    expect(sentParts([EDITED, REFUSED[0]])[1]?.content).toBe(
      `${REFUSED[0]}\n\n${note(2, 2, 'edit 1 was made, the others not')}`,
    );
  });

  it('says nothing when every part was made, when a part has no result yet, or for an edit of its own', () => {
    expect(sentParts([EDITED, EDITED]).map((block) => block.content)).toEqual([EDITED, EDITED]);
    expect(sentParts([REFUSED[0], undefined]).map((block) => block.content)).toEqual([REFUSED[0]]);
    expect(sentParts([REFUSED[0]]).map((block) => block.content)).toEqual([REFUSED[0]]);
  });
});
