import { describe, expect, it } from 'vitest';
import { inputRepairMayApply, repairToolInput, resolveClientToolName } from '../../main/core/orchids/tool-mapping';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { keyListedAgentKinds } from '../../main/core/orchids/tool-input-values';
import { CONTINUE_CLI_TOOLS } from '../helpers/client-tools';

/** Continue CLI 1.5.47's MultiEdit and Checklist, as it declares them (with `--auto`, or in its window). */
const MULTI_EDIT = CONTINUE_CLI_TOOLS.find((tool) => tool.name === 'MultiEdit')!.input_schema;
const CHECKLIST = {
  type: 'object',
  properties: { checklist: { type: 'string' } },
  required: ['checklist'],
};
const CONTINUE_TOOLS: ToolDefinition[] = [
  { name: 'Read', input_schema: { type: 'object', properties: { filepath: { type: 'string' } } } },
  { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
  { name: 'Checklist', input_schema: CHECKLIST },
  { name: 'MultiEdit', input_schema: MULTI_EDIT },
];

describe("the agent's Edit on a client with a MultiEdit and no Edit (Continue CLI)", () => {
  const route = { upstreamName: 'Edit', clientName: 'MultiEdit' };

  it('lands on MultiEdit, and on a declared Edit where there is one', () => {
    const edit = { file_path: 'a.txt', old_string: 'a', new_string: 'b' };
    expect(resolveClientToolName('Edit', CONTINUE_TOOLS, edit)).toBe('MultiEdit');
    const withEdit = [...CONTINUE_TOOLS, { name: 'Edit', input_schema: { type: 'object' } }];
    expect(resolveClientToolName('Edit', withEdit, edit)).toBe('Edit');
  });

  it('becomes a list of one edit, replace_all and the path kept, and is never streamed half-built', () => {
    const edit = { path: 'a.txt', old_str: 'x = 1', new_str: 'x = 2', replace_all: true };
    expect(repairToolInput(JSON.stringify(edit), MULTI_EDIT, route)).toEqual({
      file_path: 'a.txt',
      edits: [{ old_string: 'x = 1', new_string: 'x = 2', replace_all: true }],
    });
    expect(inputRepairMayApply('Edit', 'MultiEdit', CONTINUE_TOOLS)).toBe(true);
  });

  it('leaves a call with no replacement, or a MultiEdit already, to the usual repair', () => {
    expect(repairToolInput({ file_path: 'a.txt', old_string: 'x' }, MULTI_EDIT, route)).toEqual({
      file_path: 'a.txt',
      old_string: 'x',
    });
    const edits = [{ old_string: 'a', new_string: 'b' }];
    expect(repairToolInput({ file_path: 'a.txt', edits }, MULTI_EDIT, route)).toEqual({ file_path: 'a.txt', edits });
  });
});

describe("the agent's TodoWrite on Continue's Checklist", () => {
  const route = { upstreamName: 'TodoWrite', clientName: 'Checklist' };

  it('lands on Checklist, as one Markdown checklist, and is never streamed half-built', () => {
    const todos = [
      { content: 'Read', status: 'completed', activeForm: 'Reading' },
      { content: 'Fix', status: 'in_progress', activeForm: 'Fixing' },
      { content: 'Test', status: 'pending', activeForm: 'Testing' },
    ];
    expect(resolveClientToolName('TodoWrite', CONTINUE_TOOLS, { todos })).toBe('Checklist');
    expect(repairToolInput({ todos }, CHECKLIST, route)).toEqual({
      checklist: '- [x] Read\n- [ ] Fix (in progress)\n- [ ] Test',
    });
    expect(inputRepairMayApply('TodoWrite', 'Checklist', CONTINUE_TOOLS)).toBe(true);
  });

  it('takes a list sent as JSON text and bare strings', () => {
    const todos = JSON.stringify(['Plain item', { content: 'Dropped idea', status: 'cancelled' }]);
    expect(repairToolInput(JSON.stringify({ todos }), CHECKLIST, route)).toEqual({
      checklist: '- [ ] Plain item\n- [ ] ~~Dropped idea~~ (cancelled)',
    });
  });
});

/** Continue CLI 1.5.47's Subagent (`--beta-subagent-tool`), listing the sub-agent models of the user's config. */
const str = { type: 'string' };
const kindKey = (names: string[]) => ({
  type: 'string',
  description: `The type of specialized agent to use for this task. Available agents: ${names.join(', ')}`,
});
function subagentTool(names: string[]): ToolDefinition {
  const listed = names.map((n) => `  - ${n}: You are ${n}.`).join('\n');
  const intro = 'Launch a specialized subagent to handle a specific task.';
  return {
    name: 'Subagent',
    description: `${intro}\n\nHere are the available subagents:\n${listed}`,
    input_schema: {
      type: 'object',
      properties: { description: str, prompt: str, subagent_name: kindKey(names) },
      required: ['description', 'prompt', 'subagent_name'],
    },
  };
}

describe("the agent's Task on Continue's Subagent", () => {
  const task = { description: 'Look around', prompt: 'List what is here.', subagent_type: 'general-purpose' };
  const repaired = (input: Record<string, unknown>, names: string[]) => {
    const tool = subagentTool(names);
    const route = { upstreamName: 'Task', clientName: 'Subagent', clientDescription: tool.description };
    return repairToolInput(input, tool.input_schema, route);
  };
  const { subagent_type: _kind, ...rest } = task;

  it('reads the names the subagent_name key lists', () => {
    expect(keyListedAgentKinds(kindKey(['scout', 'Code Reviewer']))).toEqual(['scout', 'Code Reviewer']);
    expect(keyListedAgentKinds(kindKey([]))).toEqual([]);
  });

  it('lands on Subagent, the kind under subagent_name, and is never streamed half-built', () => {
    expect(resolveClientToolName('Task', [subagentTool(['scout'])], task)).toBe('Subagent');
    expect(inputRepairMayApply('Task', 'Subagent', [subagentTool(['scout'])])).toBe(true);
  });

  it.each([
    [['scout'], 'general-purpose', 'scout'],
    [['scout'], undefined, 'scout'],
    [['general', 'reviewer'], 'general-purpose', 'general'],
    [['explorer', 'reviewer'], 'Reviewer', 'reviewer'],
    [['explorer', 'reviewer'], 'general-purpose', 'general-purpose'],
    [[], 'general-purpose', 'general-purpose'],
  ])('with %j configured, a Task of kind %s names %s', (names, kind, expected) => {
    const input = kind === undefined ? rest : { ...task, subagent_type: kind };
    expect(repaired(input, names)).toEqual({ ...rest, subagent_name: expected });
  });
});

describe("the agent's Bash timeout on a shell that takes seconds (Continue CLI's Bash)", () => {
  const shell = (unit: string) => ({
    type: 'object',
    properties: {
      command: { type: 'string' },
      timeout: { type: 'number', description: `Optional timeout in ${unit} (max 600).` },
    },
    required: ['command'],
  });
  const route = { upstreamName: 'Bash', clientName: 'Bash', agentTools: true };

  it('goes in whole seconds, at least one, and is never streamed half-built', () => {
    expect(repairToolInput({ command: 'make', timeout: 10_000 }, shell('seconds'), route)).toEqual({
      command: 'make',
      timeout: 10,
    });
    expect(repairToolInput({ command: 'make', timeout: 1_500 }, shell('seconds'), route)).toMatchObject({ timeout: 2 });
    expect(repairToolInput({ command: 'make', timeout: 20 }, shell('seconds'), route)).toMatchObject({ timeout: 1 });
    expect(inputRepairMayApply('Bash', 'Bash', [{ name: 'Bash', input_schema: shell('seconds') }])).toBe(true);
  });

  it('stays as it is for a shell that takes milliseconds, and where the agent gave none', () => {
    const call = { command: 'make', timeout: 10_000 };
    expect(repairToolInput(call, shell('milliseconds'), route)).toEqual(call);
    expect(repairToolInput({ command: 'make' }, shell('seconds'), route)).toEqual({ command: 'make' });
    expect(inputRepairMayApply('Bash', 'Bash', [{ name: 'Bash', input_schema: shell('milliseconds') }])).toBe(false);
  });

  it("stays as it is from Generation A's model, which is shown the client's schema and gives seconds", () => {
    const call = { command: 'make', timeout: 30 };
    expect(repairToolInput(call, shell('seconds'), { ...route, agentTools: false })).toEqual(call);
    expect(repairToolInput(call, shell('seconds'), { upstreamName: 'Bash', clientName: 'Bash' })).toEqual(call);
  });
});
