import { describe, expect, it } from 'vitest';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import { OPENCODE_TOOLS, PI_TOOLS, QWEN_CODE_TOOLS } from '../helpers/client-tools';

/**
 * A command of the agent's that failed on pi's `bash` or Qwen Code's `run_shell_command`, sent unflagged on Chat
 * Completions, in the words the real ones sent (pi-tools.test.ts, qwen-code-cli.test.ts) or their bundles hold.
 */
function flagged(tools: ToolDefinition[], shell: string, content: unknown, call = shell): boolean {
  const messages = [
    { role: 'user', content: 'Build it.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'call_s', name: call, input: { command: 'make' } }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'call_s', content };
  const out = resultRewrites(messages, tools)?.get('call_s')?.(block) ?? block;
  expect(out.content).toEqual(content);
  return (out as { is_error?: boolean }).is_error === true;
}

const qwenRun = (output: string, exit: string, signal = '(none)') =>
  `Command: make\nDirectory: (root)\nOutput: ${output}\nError: (none)\nExit Code: ${exit}\nSignal: ${signal}\n` +
  'Process Group PGID: (none)';

describe('pi’s failed command', () => {
  const failed = (content: unknown, call = 'bash') => flagged(PI_TOOLS, 'bash', content, call);

  it('is an error when pi ends it with the exit code, a time-out or an abort, in its shape as it came', () => {
    expect(failed('half-done\n\n\nCommand exited with code 3')).toBe(true);
    expect(failed([{ type: 'text', text: '(no output)\n\nCommand exited with code 1' }])).toBe(true);
    expect(failed('Command timed out after 5 seconds')).toBe(true);
    // pi's timeout is any number of seconds its schema takes, written as JavaScript writes it.
    expect(failed('started\n\n\nCommand timed out after 0.5 seconds')).toBe(true);
    expect(failed('tick\n\nCommand aborted')).toBe(true);
  });

  it('is not when the words are the output’s, the call another tool’s, or the tool set another client’s', () => {
    expect(failed('all-done\n')).toBe(false);
    expect(failed('log: Command exited with code 3')).toBe(false);
    expect(failed('Command exited with code 3\nretrying')).toBe(false);
    expect(failed('x\n\nCommand exited with code 3', 'read')).toBe(false);
    expect(flagged(OPENCODE_TOOLS, 'bash', 'x\n\nCommand exited with code 3')).toBe(false);
  });
});

describe('Qwen Code’s failed command', () => {
  const failed = (content: unknown) => flagged(QWEN_CODE_TOOLS, 'run_shell_command', content);

  it('is an error when its exit code is not 0, a signal ended it, or Qwen stopped it', () => {
    expect(failed(qwenRun('half-done', '3'))).toBe(true);
    expect(failed(qwenRun('(empty)', '1'))).toBe(true);
    expect(failed(qwenRun('(empty)', '(none)', 'SIGTERM'))).toBe(true);
    expect(failed(`${qwenRun('slow', '2')}\n\nThis command took a while.`)).toBe(true);
    expect(
      failed('Command timed out after 5000ms before it could complete. There was no output before it timed out.'),
    ).toBe(true);
    expect(
      failed('Command was cancelled by user before it could complete. There was no output before it was cancelled.'),
    ).toBe(true);
  });

  it('is not when it exited 0, even with an output that quotes a failed run', () => {
    expect(failed(qwenRun('all-done', '0'))).toBe(false);
    expect(failed(qwenRun(qwenRun('old', '3'), '0'))).toBe(false);
    expect(failed('Exit Code: 3')).toBe(false);
  });
});
