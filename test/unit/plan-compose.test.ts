import { describe, expect, it } from 'vitest';
import { repairToolInput } from '../../main/core/orchids/tool-input-repair';
import { resolveClientToolName } from '../../main/core/orchids/tool-names';
import type { ToolDefinition } from '../../main/core/anthropic/types';

/** Codex CLI 0.171's `update_plan`, as it declares it with `[tools.update_plan] enabled = true`. */
const UPDATE_PLAN = {
  type: 'object',
  properties: {
    explanation: { type: 'string' },
    plan: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] },
          step: { type: 'string' },
        },
        required: ['step', 'status'],
        additionalProperties: false,
      },
    },
  },
  required: ['plan'],
  additionalProperties: false,
};
const CODEX_TOOLS: ToolDefinition[] = [
  { name: 'exec_command', input_schema: { type: 'object', properties: { cmd: { type: 'string' } } } },
  { name: 'update_plan', input_schema: UPDATE_PLAN },
];
const route = { upstreamName: 'TodoWrite', clientName: 'update_plan' };

describe("the agent's TodoWrite on Codex CLI's update_plan", () => {
  it('lands on update_plan when the client declares it, and on nothing when it does not', () => {
    expect(resolveClientToolName('TodoWrite', CODEX_TOOLS, { todos: [] })).toBe('update_plan');
    expect(resolveClientToolName('TodoWrite', CODEX_TOOLS.slice(0, 1), { todos: [] })).toBeUndefined();
  });

  it('writes each item as a step with its status', () => {
    const todos = [
      { content: 'Read', status: 'completed', activeForm: 'Reading' },
      { content: 'Fix', status: 'in_progress', activeForm: 'Fixing' },
      { content: 'Test', status: 'pending', activeForm: 'Testing' },
    ];
    expect(repairToolInput({ todos }, UPDATE_PLAN, route)).toEqual({
      plan: [
        { step: 'Read', status: 'completed' },
        { step: 'Fix', status: 'in_progress' },
        { step: 'Test', status: 'pending' },
      ],
    });
  });

  it('takes a list sent as JSON text, bare strings, and a status Codex does not know as still to do', () => {
    const todos = JSON.stringify(['Plain item', { content: 'Dropped idea', status: 'cancelled' }, { content: ' ' }]);
    expect(repairToolInput(JSON.stringify({ todos }), UPDATE_PLAN, route)).toEqual({
      plan: [
        { step: 'Plain item', status: 'pending' },
        { step: 'Dropped idea', status: 'pending' },
      ],
    });
  });
});
