import { describe, expect, it } from 'vitest';
import { ONE_EDIT_A_TURN } from '../../main/core/anthropic/multi-edit';
import type { Message } from '../../main/core/anthropic/types';
import { ONE_EDIT_NOT_RUN } from '../../main/core/anthropic/unmapped-call-text';
import { restoreShownCalls } from '../../main/core/orchids/shown-calls';
import { withDeclinedCalls } from '../../main/core/proxy/declined-calls';
import { CONTINUE_CLI_EDIT_TOOLS } from '../helpers/client-tools';
import { translateTurn } from '../helpers/translated-turn';

/**
 * The agent's MultiEdit for Continue CLI's one-edit Edit (cn 1.5.47 with a model it does not count as capable):
 * not split into one Edit an edit as for Claude Code, since cn makes every edit of a turn on the file as the turn
 * found it and the last write undoes the others; answered by the proxy with how to make the edits instead.
 */
const ID = 'toolu_sim_multi_0001';
const MULTI = {
  file_path: '/w/plan.txt',
  edits: [
    { old_string: 'stage = 1', new_string: 'stage = 2' },
    { old_string: 'owner = a', new_string: 'owner = b' },
  ],
};

/** The agent's MultiEdit through the translator, its turn held to be answered, and the text the client was sent. */
const multiEditTurn = () => translateTurn(CONTINUE_CLI_EDIT_TOOLS, [{ id: ID, name: 'MultiEdit', input: MULTI }]);

const told = [
  { role: 'assistant', content: [{ type: 'tool_use', id: ID, name: 'MultiEdit', input: MULTI }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: ID, is_error: true, content: ONE_EDIT_A_TURN }] },
];

describe("the agent's MultiEdit on Continue's one-edit Edit", () => {
  it('reaches cn as no call: the user is shown why, the agent told as an error to edit one call a turn', () => {
    const { end, uses, text } = multiEditTurn();
    expect(uses).toEqual([]);
    expect(text).toBe(
      `[The agent called the tool "MultiEdit", ${ONE_EDIT_NOT_RUN}. Input: \`${JSON.stringify(MULTI)}\`]`,
    );
    const request = { model: 'glm-5', max_tokens: 10, tools: CONTINUE_CLI_EDIT_TOOLS, messages: [] as Message[] };
    request.messages.push({ role: 'user', content: 'Go' });
    expect(withDeclinedCalls(request, end.held!).messages.slice(1)).toEqual(told);
  });

  it('is read back from the line cn replays as the MultiEdit and the same error', () => {
    const { text } = multiEditTurn();
    const ask: Message = { role: 'user', content: 'Finish the plan.' };
    const restored = restoreShownCalls([ask, { role: 'assistant', content: [{ type: 'text', text }] }, ask]);
    const [, call, result] = restored as unknown as Array<{ content: Array<Record<string, unknown>> }>;
    expect(call!.content).toEqual([{ ...told[0]!.content[0], id: 'toolu_shown_1_1' }]);
    expect(result!.content[0]).toEqual({ ...told[1]!.content[0], tool_use_id: 'toolu_shown_1_1' });
  });
});
