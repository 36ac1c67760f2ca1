import { describe, expect, it } from 'vitest';
import { unmappedCallText } from '../../main/core/anthropic/unmapped-call-text';

const PLAN_HEADING = "The agent's plan (this client has no to-do tool to show it in):";

describe('unmappedCallText: a call the client has no tool for, as the line it is shown', () => {
  it('names the tool and its JSON input for a tool that is not a to-do list or a plan', () => {
    expect(unmappedCallText('EnterPlanMode', { reason: 'fix' })).toBe(
      '[The agent called the tool "EnterPlanMode", which this client does not provide, so it was not run. ' +
        'Input: `{"reason":"fix"}`]',
    );
    // An ExitPlanMode with no plan in it has nothing to show but the call.
    expect(unmappedCallText('ExitPlanMode', { plan: ' ' })).toMatch(/^\[The agent called the tool "ExitPlanMode"/);
  });

  it('shows a plan the agent asks approval for whole, as written, however long, by any spelling of the name', () => {
    const plan = `## Plan\n\n1. Rename \`file_path\` in *every* caller.\n${'2. More. '.repeat(100)}`;
    for (const name of ['ExitPlanMode', 'exit_plan_mode']) {
      expect(unmappedCallText(name, { plan: `\n${plan}\n` })).toBe(
        `The agent's plan, for your approval (this client has no tool to approve it with):\n\n${plan.trim()}` +
          '\n\n(End of the plan.)',
      );
    }
  });

  it("shows the agent's to-do list as a checklist, each status marked, in the agent's order", () => {
    const todos = [
      { content: 'Read the config', status: 'completed', activeForm: 'Reading the config' },
      { content: 'Fix the parser', status: 'in_progress', activeForm: 'Fixing the parser' },
      { content: 'Run the tests', status: 'pending', activeForm: 'Running the tests' },
      { content: 'Rewrite it in Go', status: 'cancelled' },
    ];
    expect(unmappedCallText('TodoWrite', { todos })).toBe(
      [
        PLAN_HEADING,
        '- [x] Read the config',
        '- [ ] Fix the parser (in progress)',
        '- [ ] Run the tests',
        '- [ ] ~~Rewrite it in Go~~ (cancelled)',
      ].join('\n'),
    );
  });

  it('knows the to-do tool by any of its names, and takes bare strings and items without a status', () => {
    for (const name of ['todowrite', 'todo_write', 'functions.TodoWrite']) {
      expect(unmappedCallText(name, { todos: ['Plan', { content: 'Build' }] })).toBe(
        `${PLAN_HEADING}\n- [ ] Plan\n- [ ] Build`,
      );
    }
  });

  it('puts each item on one line and cuts a long item and a long list', () => {
    const todos = Array.from({ length: 53 }, (_, i) => ({ content: `Step\n  ${i + 1}`, status: 'pending' }));
    todos[0]!.content = 'y'.repeat(500);
    const lines = unmappedCallText('TodoWrite', { todos }).split('\n');
    expect(lines).toHaveLength(1 + 50 + 1);
    expect(lines[1]).toBe(`- [ ] ${'y'.repeat(200)}…`);
    expect(lines[2]).toBe('- [ ] Step 2');
    expect(lines.at(-1)).toBe('- … and 3 more');
  });

  it('falls back to the JSON line for a to-do call of any other shape, so nothing the agent sent is hidden', () => {
    for (const todos of [
      [],
      'a string',
      [{ status: 'pending' }],
      [{ content: '   ' }],
      [null],
      [{ content: 'ok' }, 7],
    ]) {
      const text = unmappedCallText('TodoWrite', { todos });
      expect(text).toContain('[The agent called the tool "TodoWrite"');
      expect(text).toContain(JSON.stringify({ todos }).slice(0, 20));
    }
  });

  it('fences the JSON as inline code, one backtick longer than the longest run in it: Markdown shows it as is', () => {
    expect(unmappedCallText('Edit', { file_path: 'a_b.txt', old_string: '**x**' })).toMatch(
      /Input: `\{"file_path":"a_b\.txt","old_string":"\*\*x\*\*"\}`\]$/,
    );
    expect(unmappedCallText('Bash', { command: 'echo `date` ``x``' })).toMatch(
      /Input: ```\{"command":"echo `date` ``x``"\}```\]$/,
    );
  });

  it('cuts a long JSON input, marking the cut', () => {
    const text = unmappedCallText('Workflow', { script: 'x'.repeat(5000) });
    expect(text.length).toBeLessThan(600);
    expect(text).toMatch(/x…`\]$/);
  });
});
