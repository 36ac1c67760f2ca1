import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest, ToolDefinition } from '../../main/core/anthropic/types';
import { NO_PATCH_NOT_RUN } from '../../main/core/anthropic/unmapped-call-text';
import { hasNoPatchForm, NO_PATCH_FORM } from '../../main/core/orchids/patch-compose';
import { restoreShownCalls } from '../../main/core/orchids/shown-calls';
import { withDeclinedCalls } from '../../main/core/proxy/declined-calls';
import { CODEX_APPLY_PATCH, CODEX_TOOLS } from '../helpers/client-tools';
import { translateTurn, type TurnCall } from '../helpers/translated-turn';

/**
 * The agent's edit that no patch can say (an Edit with replace_all, a MultiEdit with an empty old text), for Codex,
 * whose only file tool is its apply_patch: answered by the proxy, never sent to Codex as an empty patch.
 */
const TOOLS: ToolDefinition[] = [...CODEX_TOOLS, CODEX_APPLY_PATCH];
const ALL = { file_path: '/w/plum.txt', old_string: 'plum = 1', new_string: 'sloe = 1', replace_all: true };
const ID = 'toolu_sim_all_0001';

/** One agent turn of `calls` through the translator for Codex. */
const turn = (calls: TurnCall[]) => translateTurn(TOOLS, calls);

describe('hasNoPatchForm: which of the agent’s edits no patch for apply_patch can say', () => {
  const schema = CODEX_APPLY_PATCH.input_schema;
  const edit = { file_path: 'a', old_string: 'x', new_string: 'y' };

  it('is an Edit with replace_all, however the flag is written, and a MultiEdit with an empty old text', () => {
    expect(hasNoPatchForm(ALL, schema, 'Edit', 'apply_patch')).toBe(true);
    expect(hasNoPatchForm({ ...edit, replace_all: 'true' }, schema, 'Edit', 'apply_patch')).toBe(true);
    const multi = (second: Record<string, unknown>) => ({ file_path: 'a', edits: [edit, second] });
    expect(hasNoPatchForm(multi({ old_string: '', new_string: 'z' }), schema, 'MultiEdit', 'apply_patch')).toBe(true);
    expect(hasNoPatchForm(multi({ ...edit, replace_all: true }), schema, 'MultiEdit', 'apply_patch')).toBe(true);
  });

  it('is not an edit a patch says, an input no patch is made of, or a client tool that takes no patch', () => {
    expect(hasNoPatchForm({ ...edit, replace_all: false }, schema, 'Edit', 'apply_patch')).toBe(false);
    expect(hasNoPatchForm({ file_path: 'a', edits: [edit] }, schema, 'MultiEdit', 'apply_patch')).toBe(false);
    expect(hasNoPatchForm({ ...ALL, file_path: undefined }, schema, 'Edit', 'apply_patch')).toBe(false);
    expect(hasNoPatchForm(ALL, { type: 'object', properties: { cmd: {} } }, 'Edit', 'apply_patch')).toBe(false);
    expect(hasNoPatchForm(ALL, schema, 'Edit', 'edit')).toBe(false);
  });
});

describe("the agent's Edit with replace_all for Codex's apply_patch", () => {
  it('reaches Codex as no call: the user is shown a note saying why, and the turn is held to be answered', () => {
    const { end, blocks, text } = turn([{ id: ID, name: 'Edit', input: ALL }]);
    expect(blocks.map((block) => block.type)).toEqual(['text']);
    expect(text).toBe(`[The agent called the tool "Edit", ${NO_PATCH_NOT_RUN}. Input: \`${JSON.stringify(ALL)}\`]`);
    expect(end.held?.calls).toEqual([
      { id: ID, name: 'Edit', input: ALL, index: 0, shownAnswer: NO_PATCH_FORM, answerIsError: true },
    ]);
  });

  it('is answered for the agent with NO_PATCH_FORM as the error of its own call', () => {
    const { end } = turn([{ id: ID, name: 'Edit', input: ALL }]);
    const request: MessagesRequest = {
      model: 'm',
      max_tokens: 10,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'Go' }],
    };
    expect(withDeclinedCalls(request, end.held!).messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: ID, name: 'Edit', input: ALL }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: ID, is_error: true, content: NO_PATCH_FORM }] },
    ]);
  });

  it('goes on reaching Codex beside an edit a patch says, which is sent; the note is not held then', () => {
    const edit = { file_path: '/w/plum.txt', old_string: 'plum = 1', new_string: 'sloe = 1' };
    const { end, blocks } = turn([
      { id: ID, name: 'Edit', input: ALL },
      { id: 'toolu_sim_one_0002', name: 'Edit', input: edit },
    ]);
    expect(blocks.map((block) => [block.type, block.name])).toEqual([
      ['text', undefined],
      ['tool_use', 'apply_patch'],
    ]);
    expect(end.held).toBeUndefined();
    expect(end.stopReason).toBe('tool_use');
  });

  it('is read back from the note the client replays as the Edit and the NO_PATCH_FORM error it was answered', () => {
    const { text } = turn([{ id: ID, name: 'Edit', input: ALL }]);
    const ask: Message = { role: 'user', content: 'Rename the plums.' };
    const patch = { type: 'tool_use' as const, id: 'call_2', name: 'apply_patch', input: { input: '*** Begin Patch' } };
    const done = { type: 'tool_result' as const, tool_use_id: 'call_2', content: 'Success.' };
    const messages: Message[] = [
      ask,
      { role: 'assistant', content: [{ type: 'text', text }, patch] },
      { role: 'user', content: [done] },
    ];
    expect(restoreShownCalls(messages)).toEqual([
      ask,
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_shown_1_1', name: 'Edit', input: ALL }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_shown_1_1', content: NO_PATCH_FORM, is_error: true }],
      },
      { role: 'assistant', content: [patch] },
      { role: 'user', content: [done] },
    ]);
  });
});
