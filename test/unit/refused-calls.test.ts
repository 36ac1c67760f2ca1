import { describe, expect, it } from 'vitest';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import {
  CLINE_CLI_TOOLS,
  CODEX_APPLY_PATCH,
  CODEX_TOOLS,
  CONTINUE_CLI_TOOLS,
  OPENCODE_TOOLS,
  PI_TOOLS,
  QWEN_CODE_PLAN_TOOLS,
  QWEN_CODE_TOOLS,
} from '../helpers/client-tools';

/**
 * A call the user declined or the client's rules refused, as each client words it on an OpenAI route (no error flag):
 * opencode 1.18.33 and cn 1.5.47 as the real ones sent them (refused-calls.test.ts in test/integration), Codex 0.171
 * as codex-tui-approvals.test.ts saw it, Cline CLI 3.0.65 as README's Cline section quotes
 * it, as its window sent a rejection (tui-declines.test.ts) and as the real one sent it with `--auto-approve false`.
 */
const CLIENTS: Array<{ name: string; tools: ToolDefinition[]; call: string; refusals: string[] }> = [
  {
    name: 'opencode',
    tools: OPENCODE_TOOLS,
    call: 'bash',
    refusals: [
      'The user rejected permission to use this specific tool call.',
      'The user rejected permission to use this specific tool call with the following feedback: not now',
      'The user has specified a rule which prevents you from using this specific tool call. Here are some of the ' +
        'relevant rules [{"permission":"bash","pattern":"*","action":"deny"}]',
    ],
  },
  {
    name: 'Codex',
    tools: [...CODEX_TOOLS, CODEX_APPLY_PATCH],
    call: 'exec_command',
    // The last two, its words for a plain "no" (an app-server client's decline), are in 0.171's binary; its TUI
    // offers only Esc's abort (codex-tui-edits.test.ts).
    refusals: [
      'Wall time: 1.0 seconds\naborted by user',
      'aborted by user',
      'patch rejected by user',
      'exec command rejected by user',
    ],
  },
  {
    name: 'Cline',
    tools: CLINE_CLI_TOOLS,
    call: 'run_commands',
    refusals: [
      'This tool call was rejected by the user',
      '{"error":"This tool call was rejected by the user and not executed. -- NOT a tool or system failure. ' +
        'Clarify with user before proceeding."}',
      '{"error":"Tool \\"run_commands\\" requires approval in a TTY session -- NOT a tool or system failure. ' +
        'Clarify with user before proceeding."}',
    ],
  },
  {
    name: 'Continue',
    tools: CONTINUE_CLI_TOOLS,
    call: 'Bash',
    refusals: ['Command blocked by security policy', 'Permission denied by user'],
  },
];

/** The result block the upstream is sent for `content`, answering the call `name` of a client of `tools`. */
function sent(content: unknown, name: string, tools: ToolDefinition[]) {
  const messages = [
    { role: 'user', content: 'Clean the build folder.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'call_r', name, input: { command: 'rm -rf build' } }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'call_r', content };
  const rewrite = resultRewrites(messages, tools)?.get('call_r');
  return rewrite ? rewrite(block) : block;
}

describe.each(CLIENTS)("$name's refusal of a call, given to the agent as an error", ({ tools, call, refusals }) => {
  it('flags the refusal of any call, its words and shape as they came', () => {
    for (const words of refusals) {
      expect(sent(words, call, tools)).toEqual({
        type: 'tool_result',
        tool_use_id: 'call_r',
        content: words,
        is_error: true,
      });
      expect(sent([{ type: 'text', text: words }], call, tools)).toEqual({
        type: 'tool_result',
        tool_use_id: 'call_r',
        content: [{ type: 'text', text: words }],
        is_error: true,
      });
    }
  });

  it('leaves output that only holds the words, and the words sent by another client', () => {
    for (const words of refusals) {
      expect(sent(`$ grep -r refused log\n${words}`, call, tools)).not.toHaveProperty('is_error');
      // A refusal with the user's feedback ends in whatever they wrote.
      if (!words.includes('feedback')) expect(sent(`${words}\nexit 0`, call, tools)).not.toHaveProperty('is_error');
      for (const other of CLIENTS.filter((c) => c.tools !== tools)) {
        if (other.refusals.includes(words)) continue;
        expect(sent(words, other.call, other.tools)).not.toHaveProperty('is_error');
      }
    }
  });
});

describe('Continue told by its tool set', () => {
  it('flags a refusal on `cn -p`, which declares no MultiEdit, by its Read’s `filepath`', () => {
    const headless = CONTINUE_CLI_TOOLS.filter((tool) => tool.name !== 'MultiEdit');
    expect(sent('Command blocked by security policy', 'Bash', headless)).toMatchObject({ is_error: true });
  });
});

describe('a failed tool of Continue’s, given to the agent as an error', () => {
  // cn 1.5.47's words for a tool that threw, as the real one sent them (continue-cli-headless.test.ts).
  const failures = [
    'Error executing tool Read: File does not exist: /w/missing.txt',
    "Error executing tool Bash: Error (exit code 2): ls: cannot access 'missing.txt': No such file or directory\n",
  ];

  it('flags cn’s words for it, however the message goes on', () => {
    for (const words of failures) expect(sent(words, 'Bash', CONTINUE_CLI_TOOLS)).toMatchObject({ is_error: true });
  });

  it('leaves output that only holds the words, and the words sent by another client', () => {
    expect(sent(`$ cat log\n${failures[1]}`, 'Bash', CONTINUE_CLI_TOOLS)).not.toHaveProperty('is_error');
    expect(sent(failures[1], 'bash', OPENCODE_TOOLS)).not.toHaveProperty('is_error');
  });
});

describe('a failed edit, read or MCP tool of Qwen Code’s, given to the agent as an error', () => {
  // Qwen Code 0.24.4's words, the first and the last two as the real one sent them (qwen-code-cli.test.ts, and an MCP
  // server's tool that answered `isError`, qwen-code-gen-a.test.ts).
  const failures = [
    'File /w/plan.txt has not been read in this session. Use the read_file tool first to load the current content ' +
      '(a partial read with offset / limit is fine — you only need to have seen the bytes you intend to edit) ' +
      'before editing it.',
    'Failed to edit, 0 occurrences found for old_string in /w/plan.txt. No edits made.',
    'Failed to edit. Found 2 occurrences for old_string in /w/plan.txt but replace_all was not enabled.',
    'Error executing edit: EACCES: permission denied',
    'File not found: /w/nope.txt',
    'MCP tool \'open_archive\' reported tool error for function call: {"name":"open_archive","args":{"year":1999}} ' +
      'with response: [{"functionResponse":{"name":"open_archive","response":{"error":{"content":[{"type":"text",' +
      '"text":"The archive of 1999 is locked"}],"isError":true}}}}]',
  ];

  it('flags its words for it', () => {
    for (const words of failures) expect(sent(words, 'edit', QWEN_CODE_TOOLS)).toMatchObject({ is_error: true });
  });

  it('leaves output that only holds the words, and the words sent by another client', () => {
    expect(sent(`$ cat log\n${failures[4]}`, 'run_shell_command', QWEN_CODE_TOOLS)).not.toHaveProperty('is_error');
    expect(sent(failures[1], 'bash', OPENCODE_TOOLS)).not.toHaveProperty('is_error');
  });

  // Its plan mode declares no shell, which told Qwen apart before: a missing file's read came unflagged
  // (qwen-code-gen-b.test.ts). It declares its tool bridge there as in every mode.
  it('flags its words in its plan mode too', () => {
    expect(sent(failures[4], 'read_file', QWEN_CODE_PLAN_TOOLS)).toMatchObject({ is_error: true });
    expect(sent(failures[5], 'tool_call', QWEN_CODE_PLAN_TOOLS)).toMatchObject({ is_error: true });
    expect(sent(`$ cat log\n${failures[4]}`, 'read_file', QWEN_CODE_PLAN_TOOLS)).not.toHaveProperty('is_error');
  });
});

describe('a call Qwen Code did not run, given to the agent as an error', () => {
  // Qwen Code 0.24.4's words, as its window sent them (qwen-code-tui.test.ts): declined at its prompt, and blocked by
  // its auto mode (the classifier's reason, then Qwen's guidance, cut here), or by that mode's own rules (the git one
  // as sent; the amend and destroy ones from its bundle).
  const refusals = [
    '[Operation Cancelled] Reason: User did not allow tool call',
    'Blocked by auto mode policy: Not asked for.\nDo not try to complete the denied action through another tool …',
    'Blocked destructive git command: "git reset --hard". To proceed, explicitly mention discarding local work in ' +
      'your prompt.\nDo not try to complete the denied action through another tool …',
    'Blocked "git commit --amend": the target commit was not made by the agent in this session. To proceed, use ' +
      'manual approval.\nDo not try …',
    'Blocked infrastructure destroy command: "terraform destroy". To proceed, explicitly specify the target ' +
      'stack/resource in your prompt.\nDo not try …',
    // Its tool_call bridge's marks, from its bundle: a held-back tool's call it cancelled, or refused by a rule.
    '[tool_call bridge cancelled] [Operation Cancelled] Reason: …',
    '[tool_call bridge refused] Qwen Code requires permission to use "tool_call", but that permission was declined.',
  ];

  it('flags its words for it, and leaves them as another client’s output', () => {
    for (const words of refusals) {
      expect(sent(words, 'run_shell_command', QWEN_CODE_TOOLS)).toMatchObject({ is_error: true });
      expect(sent(words, 'bash', OPENCODE_TOOLS)).not.toHaveProperty('is_error');
      expect(sent(`$ cat log\n${words}`, 'run_shell_command', QWEN_CODE_TOOLS)).not.toHaveProperty('is_error');
    }
  });
});

describe('a failed edit or read of pi’s on Chat Completions, given to the agent as an error', () => {
  // pi 0.73.1's words, the first two as the real one sent them (pi-tools.test.ts), the rest from its bundle.
  const failures = [
    'Could not find the exact text in /w/plan.txt. The old text must match exactly including all whitespace and ' +
      'newlines.',
    "ENOENT: no such file or directory, access '/w/gone.txt'",
    'Could not find edits[1] in /w/plan.txt. The oldText must match exactly including all whitespace and newlines.',
    'Found 2 occurrences of the text in /w/plan.txt. The text must be unique. Please provide more context to make ' +
      'it unique.',
    'edits[0].oldText must not be empty in /w/plan.txt.',
    'edits[0] and edits[1] overlap in /w/plan.txt. Merge them into one edit or target disjoint regions.',
    'No changes made to /w/plan.txt. The replacements produced identical content.',
    'Offset 9 is beyond end of file (2 lines total)',
    'Validation failed for tool "edit":\n  - edits/0: must have required property \'oldText\'',
  ];

  it('flags its words for it', () => {
    for (const words of failures) expect(sent(words, 'edit', PI_TOOLS)).toMatchObject({ is_error: true });
  });

  it('leaves a file or output that only holds the words, and the words sent by another client', () => {
    expect(sent(`1\tnotes\n${failures[1]}`, 'read', PI_TOOLS)).not.toHaveProperty('is_error');
    expect(sent(`${failures[1]}\nnext line`, 'bash', PI_TOOLS)).not.toHaveProperty('is_error');
    expect(sent('Successfully replaced 1 block(s) in /w/plan.txt.', 'edit', PI_TOOLS)).not.toHaveProperty('is_error');
    expect(sent(failures[0], 'bash', OPENCODE_TOOLS)).not.toHaveProperty('is_error');
  });
});

describe('a refusal beside the rewrites of a tool’s output', () => {
  it('flags a patch Codex was told no to, and still unwraps a patch it ran', () => {
    const messages = [
      { role: 'user', content: 'Change it.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_p', name: 'apply_patch', input: { input: 'x' } }] },
    ] as unknown as Message[];
    const rewrite = resultRewrites(messages, [...CODEX_TOOLS, CODEX_APPLY_PATCH])!.get('call_p')!;
    const declined = 'patch rejected by user';
    expect(rewrite({ type: 'tool_result', tool_use_id: 'call_p', content: declined })).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_p',
      content: declined,
      is_error: true,
    });
    const ran = 'Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nM /w/a.txt\n';
    expect(rewrite({ type: 'tool_result', tool_use_id: 'call_p', content: ran })).not.toHaveProperty('is_error');
  });

  it('flags an edit refused on opencode, and still flags its failed edit', () => {
    const input = { filePath: '/w/date.txt', oldString: 'a', newString: 'b' };
    const messages = [
      { role: 'user', content: 'Change it.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_e', name: 'edit', input }] },
    ] as unknown as Message[];
    const rewrite = resultRewrites(messages, OPENCODE_TOOLS)!.get('call_e')!;
    const declined = 'The user rejected permission to use this specific tool call.';
    expect(rewrite({ type: 'tool_result', tool_use_id: 'call_e', content: declined })).toMatchObject({
      is_error: true,
    });
    const missing = 'File /w/date.txt not found';
    expect(rewrite({ type: 'tool_result', tool_use_id: 'call_e', content: missing })).toMatchObject({ is_error: true });
    expect(
      rewrite({ type: 'tool_result', tool_use_id: 'call_e', content: 'Edit applied successfully.' }),
    ).not.toHaveProperty('is_error');
  });
});
