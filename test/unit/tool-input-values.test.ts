import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { clientAgentKind, listedAgentKinds } from '../../main/core/orchids/tool-input-values';
import { clientTool, inputRepairMayApply, repairToolInput } from '../../main/core/orchids/tool-mapping';
import { claudeCodeTools, CODEX_TOOLS } from '../helpers/client-tools';

const str = { type: 'string' };

/** opencode 1.18.33's task and todowrite as its request declares them (descriptions cut to what matters here). */
const OPENCODE_TASK_DESCRIPTION =
  'Launch a new agent to handle complex, multistep tasks autonomously.\n\n' +
  'Available agent types and the tools they have access to:\n' +
  '- explore: Fast agent specialized for exploring codebases. Use this when you need to quickly find files.\n' +
  '- general: General-purpose agent for researching complex questions and executing multi-step tasks.';

function opencodeTools(priority: Record<string, unknown> = str): ToolDefinition[] {
  const todo = {
    type: 'object',
    properties: { content: str, status: str, priority },
    required: ['content', 'status', 'priority'],
  };
  return [
    {
      name: 'task',
      description: OPENCODE_TASK_DESCRIPTION,
      input_schema: {
        type: 'object',
        properties: { description: str, prompt: str, subagent_type: str, task_id: str, command: str },
        required: ['description', 'prompt', 'subagent_type'],
      },
    },
    {
      name: 'todowrite',
      description: 'Create and maintain a structured task list for the current coding session.',
      input_schema: { type: 'object', properties: { todos: { type: 'array', items: todo } }, required: ['todos'] },
    },
  ];
}

/** What the translator does with a whole call to one of these tools. */
function repaired(
  upstreamName: string,
  clientName: string,
  input: Record<string, unknown>,
  declared: ToolDefinition[],
) {
  const tool = clientTool(clientName, declared);
  return repairToolInput(input, tool?.schema, { upstreamName, clientName, clientDescription: tool?.description });
}

describe('the kind of sub-agent a Task names', () => {
  it("reads the kinds opencode's task lists, and none from Claude Code 2.1's Agent, which lists them elsewhere", () => {
    expect(listedAgentKinds(OPENCODE_TASK_DESCRIPTION)).toEqual(['explore', 'general']);
    const agent = claudeCodeTools().find((t) => t.name === 'Agent');
    expect(listedAgentKinds(agent?.description)).toEqual([]);
    expect(listedAgentKinds('No list.\n- note: not a kind')).toEqual([]);
  });

  it.each([
    ['general-purpose', 'general'],
    ['Explore', 'explore'],
    ['Plan', 'general'],
    ['general', undefined],
    ['explore', undefined],
  ])('%s → %s', (kind, expected) => {
    expect(clientAgentKind(kind, ['explore', 'general'])).toBe(expected);
  });

  it('leaves a kind alone where the client lists none, or lists no general one to fall back to', () => {
    expect(clientAgentKind('general-purpose', [])).toBeUndefined();
    expect(clientAgentKind('Plan', ['explore'])).toBeUndefined();
  });

  it("gives opencode's task the kind it has, and the rest of the Task as it is", () => {
    const task = { description: 'Find it', prompt: 'Find where X is defined.', subagent_type: 'general-purpose' };
    expect(repaired('Task', 'task', task, opencodeTools())).toEqual({ ...task, subagent_type: 'general' });
    const explore = { ...task, subagent_type: 'explore' };
    expect(repaired('Task', 'task', explore, opencodeTools())).toBe(explore);
  });
});

describe('to-do items', () => {
  const todos = [
    { content: 'Read the notes', status: 'completed', activeForm: 'Reading the notes' },
    { content: 'Answer', status: 'in_progress', activeForm: 'Answering', priority: 'high' },
  ];

  it("gives each of the agent's items the priority opencode's todowrite requires, keeping one it has", () => {
    expect(repaired('TodoWrite', 'todowrite', { todos }, opencodeTools())).toEqual({
      todos: [{ ...todos[0], priority: 'medium' }, todos[1]],
    });
  });

  it('adds nothing a schema does not require, or whose values leave the default out', () => {
    const input = { todos: [todos[0]] };
    // Claude Code's own TodoWrite (with CLAUDE_CODE_ENABLE_TASKS=false) takes the agent's items as they are.
    const item = { type: 'object', properties: { content: str, status: str, activeForm: str } };
    const todoWrite = { type: 'array', items: { ...item, required: ['content', 'status', 'activeForm'] } };
    const claudeCode: ToolDefinition[] = [
      { name: 'TodoWrite', input_schema: { type: 'object', properties: { todos: todoWrite }, required: ['todos'] } },
    ];
    expect(repaired('TodoWrite', 'TodoWrite', input, claudeCode)).toBe(input);
    const ranked = opencodeTools({ type: 'string', enum: ['high', 'low'] });
    expect(repaired('TodoWrite', 'todowrite', input, ranked)).toBe(input);
  });

  const qwenTodoWrite = (id: Record<string, unknown> = str): ToolDefinition[] => {
    const item = { type: 'object', properties: { content: str, status: str, id }, required: ['content', 'id'] };
    const schema = { type: 'object', properties: { todos: { type: 'array', items: item } }, required: ['todos'] };
    return [{ name: 'todo_write', input_schema: schema }];
  };

  it("gives each item Qwen Code's todo_write requires an id, its words, keeping one it has", () => {
    const input = { todos: [todos[0], { ...todos[1], id: 'mine' }] };
    expect(repaired('TodoWrite', 'todo_write', input, qwenTodoWrite())).toEqual({
      todos: [
        { ...todos[0], id: 'Read the notes' },
        { ...todos[1], id: 'mine' },
      ],
    });
  });

  it('gives an item the same id wherever the agent moves it in its list', () => {
    const ids = (list: typeof todos) =>
      (repaired('TodoWrite', 'todo_write', { todos: list }, qwenTodoWrite()) as { todos: Array<{ id: string }> }).todos;
    const [first, second] = todos as [(typeof todos)[0], (typeof todos)[0]];
    expect(ids([first, second]).map((t) => t.id)).toEqual(['Read the notes', 'Answer']);
    expect(ids([second]).map((t) => t.id)).toEqual(['Answer']);
    expect(ids([second, first]).map((t) => t.id)).toEqual(['Answer', 'Read the notes']);
  });

  it('tells apart items with the same words, and cuts an id to the length the schema allows', () => {
    const item = (content: string) => ({ content, status: 'pending' });
    const input = {
      todos: [item('Test'), item('Test'), { status: 'pending' }, item('x'.repeat(30)), { ...item('A'), id: 'Test #2' }],
    };
    const { todos: out } = repaired(
      'TodoWrite',
      'todo_write',
      input,
      qwenTodoWrite({ type: 'string', maxLength: 20 }),
    ) as {
      todos: Array<{ id: string }>;
    };
    expect(out.map((t) => t.id)).toEqual(['Test', 'Test #7', '3', 'x'.repeat(20), 'Test #2']);
  });
});

const option = { type: 'object', properties: { label: str, description: str }, required: ['label', 'description'] };

/** Claude Code's AskUserQuestion, as the agent's own: no id of a question. */
const claudeCodeAsk: ToolDefinition[] = [
  {
    name: 'AskUserQuestion',
    input_schema: {
      type: 'object',
      properties: {
        questions: {
          type: 'array',
          items: {
            type: 'object',
            properties: { question: str, header: str, options: { type: 'array', items: option }, multiSelect: {} },
            required: ['question', 'header', 'options', 'multiSelect'],
          },
        },
      },
      required: ['questions'],
    },
  },
];

describe("the agent's questions to the user", () => {
  const options = [
    { label: 'Red', description: 'Warm.' },
    { label: 'Blue', description: 'Cool.' },
  ];
  it("get the id Codex's request_user_input requires: the header (else the question) in snake_case, unique", () => {
    const questions = [
      { question: 'Which colour?', header: 'Button colour', options, multiSelect: false },
      { question: 'And the border?', header: 'Button colour!', options, multiSelect: false },
      { question: 'Size?', header: '', options, multiSelect: false },
      { question: '??', options, multiSelect: false },
      { id: 'kept', question: 'Kept?', header: 'Kept', options, multiSelect: false },
    ];
    const out = repaired('AskUserQuestion', 'request_user_input', { questions }, CODEX_TOOLS);
    expect((out.questions as Array<{ id: string }>).map((q) => q.id)).toEqual([
      'button_colour',
      'button_colour_2',
      'size',
      'question_4',
      'kept',
    ]);
    expect(out.questions).toMatchObject(questions.map(({ id: _id, ...rest }) => rest));
  });

  it("are left as they are for a tool that requires no id (Claude Code's AskUserQuestion)", () => {
    const input = { questions: [{ question: 'Which colour?', header: 'Colour', options, multiSelect: false }] };
    expect(repaired('AskUserQuestion', 'AskUserQuestion', input, claudeCodeAsk)).toBe(input);
  });
});

describe('a call whose values may be fitted is sent whole, not streamed', () => {
  it.each([
    ['Task', 'task', opencodeTools(), true],
    ['TodoWrite', 'todowrite', opencodeTools(), true],
    ['TodoWrite', 'todowrite', opencodeTools({ type: 'string', enum: ['high', 'low'] }), false],
    ['Bash', 'Bash', claudeCodeTools(), false],
    ['AskUserQuestion', 'request_user_input', CODEX_TOOLS, true],
    ['AskUserQuestion', 'AskUserQuestion', claudeCodeAsk, false],
  ] as Array<[string, string, ToolDefinition[], boolean]>)('%s → %s', (upstream, client, declared, expected) => {
    expect(inputRepairMayApply(upstream, client, declared)).toBe(expected);
  });
});
