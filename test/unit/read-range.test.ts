import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest, ToolDefinition } from '../../main/core/anthropic/types';
import { buildGenBBody } from '../../main/core/orchids/gen-b/request-builder';
import { rangedReads, rangeOf, sliceReadResult } from '../../main/core/orchids/gen-b/read-range';
import type { GenBToolResultBlock } from '../../main/core/orchids/gen-b/types';
import { buildOrchidsRequest } from '../../main/core/orchids/request-builder';
import { repairToolInput } from '../../main/core/orchids/tool-mapping';
import { CLINE_CLI_TOOLS, CLINE_TOOLS, OPENCODE_TOOLS, claudeCodeTools } from '../helpers/client-tools';

/**
 * Generation B's agent asks its Read for `offset` and `limit`; the Continue CLI's Read (1.5.47) takes only
 * `filepath` and answers `Content of <path>:` and the whole file. The range rides to Continue beside `filepath`, comes
 * back in the history's tool_use, and the result goes upstream as the asked lines, numbered.
 */
const CONTINUE_READ_SCHEMA = {
  type: 'object',
  required: ['filepath'],
  properties: { filepath: { type: 'string', description: 'The path to the file to read' } },
};
const CONTINUE_TOOLS: ToolDefinition[] = [
  {
    name: 'Read',
    description: 'Read the contents of a file at the specified path',
    input_schema: CONTINUE_READ_SCHEMA,
  },
  { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
];

const FILE = '/work/ledger.txt';
const TWELVE_LINES = Array.from({ length: 12 }, (_, i) => `entry ${i + 1}`).join('\n') + '\n';
const continueResult = (path = FILE, text = TWELVE_LINES): string => `Content of ${path}:\n${text}`;

function conversation(input: Record<string, unknown>, result: unknown, isError = false): Message[] {
  return [
    { role: 'user', content: 'Read lines 4 to 6 of ledger.txt' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_r1', name: 'Read', input }] },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_r1', content: result, ...(isError ? { is_error: true } : {}) },
      ] as Message['content'],
    },
  ];
}

const request = (messages: Message[], tools: ToolDefinition[] | undefined): MessagesRequest => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages,
  ...(tools ? { tools } : {}),
});

/** What the upstream is sent for the read's result, in both places Generation B carries it. */
function sentResult(messages: Message[], tools: ToolDefinition[] | undefined): unknown[] {
  const body = buildGenBBody(request(messages, tools), { upstreamModel: 'm', thinkingMode: 'enabled' });
  const last = body.messages[2]!;
  return [(last.content as GenBToolResultBlock[])[0]!.content, last.ToolResults?.[0]?.Content];
}

describe("the agent's ranged Read on Continue's Read", () => {
  it('reaches Continue with the range beside filepath, which Continue keeps in its history', () => {
    const repaired = repairToolInput({ file_path: FILE, offset: 4, limit: 3 }, CONTINUE_READ_SCHEMA, {
      upstreamName: 'Read',
      clientName: 'Read',
      agentTools: true,
    });
    expect(repaired).toEqual({ filepath: FILE, offset: 4, limit: 3 });
  });

  it('goes upstream as the asked lines, numbered as cat -n numbers them', () => {
    const numbered = '     4\tentry 4\n     5\tentry 5\n     6\tentry 6';
    const messages = conversation({ filepath: FILE, offset: 4, limit: 3 }, continueResult());
    expect(sentResult(messages, CONTINUE_TOOLS)).toEqual([numbered, numbered]);
  });

  it('reads from the top for offset 0 or none, and 2,000 lines from the offset when no limit is given', () => {
    expect(rangeOf({ filepath: FILE, offset: 0, limit: 2 })).toEqual({ first: 1, last: 2, path: FILE });
    expect(rangeOf({ filepath: FILE, limit: 2 })).toEqual({ first: 1, last: 2, path: FILE });
    expect(rangeOf({ filepath: FILE, offset: '11' })).toEqual({ first: 11, last: 2010, path: FILE });
    const tail = sliceReadResult(continueResult(), { first: 11, last: 2010, path: FILE });
    expect(tail).toBe('    11\tentry 11\n    12\tentry 12');
  });

  it('says so when the file ends before the offset', () => {
    expect(sliceReadResult(continueResult(), { first: 20, last: 29, path: FILE })).toBe(
      'The file is shorter than the requested offset (20): it has 12 lines.',
    );
  });

  it('finds the path Continue names without its ./, and a result given as one text block', () => {
    const range = rangeOf({ filepath: './ledger.txt', offset: 2, limit: 1 })!;
    expect(sliceReadResult(continueResult('ledger.txt'), range)).toBe('     2\tentry 2');
    expect(sliceReadResult([{ type: 'text', text: continueResult('ledger.txt') }], range)).toEqual([
      { type: 'text', text: '     2\tentry 2' },
    ]);
  });

  it('keeps lines as written (a carriage return, an empty line) and a file without a final newline', () => {
    const text = 'a\r\n\nc';
    expect(sliceReadResult(continueResult(FILE, text), { first: 1, last: 3, path: FILE })).toBe(
      '     1\ta\r\n     2\t\n     3\tc',
    );
  });

  it('leaves an error, a result of another shape and an unranged read as the client sent them', () => {
    const ranged = { filepath: FILE, offset: 4, limit: 3 };
    const missing = 'Error reading file: File does not exist: /work/ledger.txt';
    expect(sentResult(conversation(ranged, missing), CONTINUE_TOOLS)).toEqual([missing, missing]);
    expect(sentResult(conversation(ranged, 'too large', true), CONTINUE_TOOLS)).toEqual(['too large', 'too large']);
    const other = 'Content of /elsewhere.txt:\nline';
    expect(sentResult(conversation(ranged, other), CONTINUE_TOOLS)).toEqual([other, other]);
    const whole = continueResult();
    expect(sentResult(conversation({ filepath: FILE }, whole), CONTINUE_TOOLS)).toEqual([whole, whole]);
    const pictures = [
      { type: 'text', text: whole },
      { type: 'image', source: { type: 'base64', data: 'AA' } },
    ];
    expect(sliceReadResult(pictures as never, rangeOf(ranged)!)).toBe(pictures);
  });

  it('touches no other client: their read tools take the range themselves, or answer in a shape not known', () => {
    const ranged = { file_path: FILE, filepath: FILE, path: FILE, offset: 4, limit: 3 };
    const called = (name: string, input: unknown): Message[] => [
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name, input }] },
    ];
    expect(rangedReads(called('Read', ranged), claudeCodeTools())).toBeUndefined();
    expect(rangedReads(called('read', { filePath: FILE, offset: 4, limit: 3 }), OPENCODE_TOOLS)).toBeUndefined();
    const files = { files: [{ path: FILE, start_line: 4, end_line: 6 }] };
    expect(rangedReads(called('read_files', files), CLINE_CLI_TOOLS)).toBeUndefined();
    expect(rangedReads(called('Read', ranged), undefined)).toBeUndefined();
    // Cline's read_file has no range either, but answers with the bare text: nothing tells a file from an error.
    expect(rangedReads(called('read_file', ranged), CLINE_TOOLS)?.get('t')).toEqual({ first: 4, last: 6, path: FILE });
    expect(sliceReadResult('line 1\nline 2', { first: 4, last: 6, path: FILE })).toBe('line 1\nline 2');
  });

  it('leaves Generation A as it was: its model reads with the schema Continue declares', () => {
    const messages = conversation({ filepath: FILE, offset: 4, limit: 3 }, continueResult());
    const body = buildOrchidsRequest(request(messages, CONTINUE_TOOLS), {
      email: '',
      userId: '',
      upstreamModel: 'm',
      chatSessionId: 'c',
      tools: [],
    });
    expect(JSON.stringify(body)).toContain('entry 12');
  });
});
