import { describe, expect, it } from 'vitest';
import { SAME_FILE_THIS_TURN } from '../../main/core/anthropic/multi-edit';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import { ONE_EDIT_NOT_RUN, SAME_FILE_NOT_RUN } from '../../main/core/anthropic/unmapped-call-text';
import { restoreShownCalls } from '../../main/core/orchids/shown-calls';
import { CONTINUE_CLI_EDIT_TOOLS, CONTINUE_CLI_TOOLS, OPENCODE_TOOLS } from '../helpers/client-tools';
import { translateTurn, type TurnCall } from '../helpers/translated-turn';

/**
 * Two edit calls of one turn on Continue CLI's tools: cn 1.5.47 works out every call of a turn on the files as the
 * turn found them before it runs any, so a later edit of a file the turn already edits would undo the earlier one.
 * It is declined, the agent told how to make it, as is an edit after a Write of its file (the edit would undo the
 * Write); a declined call changes no file, and edits of different files, and any client but Continue, go as before.
 */
type Call = TurnCall;

const edit = (id: string, file: string, old_string: string): Call => ({
  id,
  name: 'Edit',
  input: { file_path: file, old_string, new_string: `${old_string}!` },
});
const write = (id: string, file: string): Call => ({ id, name: 'Write', input: { file_path: file, content: 'w\n' } });
const multi = (id: string, file: string): Call => ({
  id,
  name: 'MultiEdit',
  input: { file_path: file, edits: [{ old_string: 'c', new_string: 'd' }] },
});

/** The agent's calls as one turn through the translator, each call's input streamed as the upstream streams it. */
const turn = (tools: ToolDefinition[], calls: Call[]) => translateTurn(tools, calls, { streamed: true });

const declinedLine = (call: Call) =>
  `[The agent called the tool "${call.name}", ${SAME_FILE_NOT_RUN}. Input: \`${JSON.stringify(call.input)}\`]`;

const A = '/w/plan.txt';
const B = '/w/other.txt';
const cases: Array<{ about: string; tools: ToolDefinition[]; calls: Call[]; uses: string[]; declined?: number }> = [
  {
    about: 'two Edits of one file on cn’s MultiEdit: the second declined',
    tools: CONTINUE_CLI_TOOLS,
    calls: [edit('toolu_1', A, 'a'), edit('toolu_2', A, 'b')],
    uses: ['MultiEdit'],
    declined: 1,
  },
  {
    about: 'an Edit then a MultiEdit of one file on cn’s MultiEdit: the MultiEdit declined',
    tools: CONTINUE_CLI_TOOLS,
    calls: [edit('toolu_1', A, 'a'), multi('toolu_2', A)],
    uses: ['MultiEdit'],
    declined: 1,
  },
  {
    about: 'two Edits of one file on cn’s one-edit Edit: the second declined',
    tools: CONTINUE_CLI_EDIT_TOOLS,
    calls: [edit('toolu_1', A, 'a'), edit('toolu_2', A, 'b')],
    uses: ['Edit'],
    declined: 1,
  },
  {
    about: 'a Write then an Edit of one file on cn’s MultiEdit: the Edit declined',
    tools: CONTINUE_CLI_TOOLS,
    calls: [write('toolu_1', A), edit('toolu_2', A, 'a')],
    uses: ['Write'],
    declined: 1,
  },
  {
    about: 'an Edit then a Write of one file, or two Writes: all go, the last Write whole as it would run last',
    tools: CONTINUE_CLI_TOOLS,
    calls: [edit('toolu_1', A, 'a'), write('toolu_2', A), write('toolu_3', A)],
    uses: ['MultiEdit', 'Write', 'Write'],
  },
  {
    about: 'Edits of two files on cn’s MultiEdit: both go',
    tools: CONTINUE_CLI_TOOLS,
    calls: [edit('toolu_1', A, 'a'), edit('toolu_2', B, 'b'), edit('toolu_3', A, 'c')],
    uses: ['MultiEdit', 'MultiEdit'],
    declined: 2,
  },
  {
    about: 'two Edits of one file on opencode, which runs them in order: both go',
    tools: OPENCODE_TOOLS,
    calls: [edit('toolu_1', A, 'a'), edit('toolu_2', A, 'b')],
    uses: ['edit', 'edit'],
  },
];

describe('edit calls of one turn to one file on Continue CLI', () => {
  it.each(cases)('$about', ({ tools, calls, uses, declined }) => {
    const result = turn(tools, calls);
    expect(result.uses).toEqual(uses);
    expect(result.text).toBe(declined === undefined ? '' : declinedLine(calls[declined]!));
  });

  it('runs an Edit of a file after its MultiEdit was declined on cn’s one-edit Edit, which ran nothing', () => {
    const calls = [multi('toolu_1', A), edit('toolu_2', A, 'a')];
    const result = turn(CONTINUE_CLI_EDIT_TOOLS, calls);
    expect(result.uses).toEqual(['Edit']);
    expect(result.text).toBe(
      `[The agent called the tool "MultiEdit", ${ONE_EDIT_NOT_RUN}. Input: \`${JSON.stringify(calls[0]!.input)}\`]`,
    );
  });

  it('reads the declined call back from the line cn replays, with the error the agent was told', () => {
    const call = edit('toolu_2', A, 'b');
    const { text } = turn(CONTINUE_CLI_TOOLS, [edit('toolu_1', A, 'a'), call]);
    const ask: Message = { role: 'user', content: 'Finish the plan.' };
    const restored = restoreShownCalls([ask, { role: 'assistant', content: [{ type: 'text', text }] }, ask]);
    const [, use, result] = restored as unknown as Array<{ content: Array<Record<string, unknown>> }>;
    expect(use!.content).toEqual([{ type: 'tool_use', id: 'toolu_shown_1_1', name: 'Edit', input: call.input }]);
    expect(result!.content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_shown_1_1',
      is_error: true,
      content: SAME_FILE_THIS_TURN,
    });
  });
});
