import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { inputRepairMayApply, repairToolInput, resolveClientToolName } from '../../main/core/orchids/tool-mapping';
import { clientToolSchema } from '../../main/core/orchids/client-tools';

/** Codex CLI's freeform apply_patch as the OpenAI routes declare it upstream: one string, the whole patch. */
const FREEFORM: ToolDefinition = {
  name: 'apply_patch',
  description: 'Edit files with a patch.',
  input_schema: {
    type: 'object',
    properties: { input: { type: 'string' } },
    required: ['input'],
    additionalProperties: false,
  },
};
/** The Responses API's typed apply_patch tool, as openai/typed-tools.ts declares it upstream. */
const TYPED: ToolDefinition = {
  name: 'apply_patch',
  description: 'Create, update or delete one file.',
  input_schema: {
    type: 'object',
    properties: { type: { type: 'string' }, path: { type: 'string' }, diff: { type: 'string' } },
    required: ['type', 'path'],
    additionalProperties: false,
  },
};
/** opencode 1.18.33's apply_patch, which it declares in place of edit and write for a `gpt-` model. */
const OPENCODE_PATCH: ToolDefinition = {
  name: 'apply_patch',
  description: 'Use the `apply_patch` tool to edit files.',
  input_schema: {
    type: 'object',
    properties: {
      patchText: { type: 'string', description: 'The full patch text describing add, update, and delete operations' },
    },
    required: ['patchText'],
  },
};
const SHELL: ToolDefinition = {
  name: 'exec_command',
  input_schema: { type: 'object', properties: { cmd: { type: 'string' } } },
};

/** What Codex gets for an agent call: the tool it lands on and the input it is given. */
function mapped(tools: ToolDefinition[], upstreamName: string, input: Record<string, unknown>) {
  const name = resolveClientToolName(upstreamName, tools, input);
  if (name === undefined) return undefined;
  return { name, input: repairToolInput(input, clientToolSchema(name, tools), { upstreamName, clientName: name }) };
}

describe("the agent's writes and edits, for a client that edits only by patch (Codex CLI)", () => {
  it('a Write is an Add File patch, every line prefixed, in the freeform tool and the typed one', () => {
    const write = { file_path: '/w/a.txt', content: 'one\ntwo\n' };
    expect(mapped([SHELL, FREEFORM], 'Write', write)).toEqual({
      name: 'apply_patch',
      input: { input: '*** Begin Patch\n*** Add File: /w/a.txt\n+one\n+two\n*** End Patch\n' },
    });
    expect(mapped([TYPED], 'Write', { ...write, content: 'one\ntwo' })).toEqual({
      name: 'apply_patch',
      input: { type: 'create_file', path: '/w/a.txt', diff: '+one\n+two\n' },
    });
  });

  it('an Edit is one @@ hunk of old lines out and new lines in; MultiEdit one hunk per edit', () => {
    const edit = { file_path: 'src/a.ts', old_string: 'const a = 1;\nconst b = 2;', new_string: 'const a = 3;' };
    expect(mapped([FREEFORM], 'Edit', edit)?.input).toEqual({
      input:
        '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-const a = 1;\n-const b = 2;\n+const a = 3;\n*** End Patch\n',
    });
    expect(mapped([TYPED], 'Edit', { ...edit, new_string: '' })?.input).toEqual({
      type: 'update_file',
      path: 'src/a.ts',
      diff: '@@\n-const a = 1;\n-const b = 2;\n',
    });
    const multi = {
      file_path: 'b.md',
      edits: [
        { old_string: 'x', new_string: 'y' },
        { old_string: 'p\nq', new_string: 'r' },
      ],
    };
    expect(mapped([FREEFORM], 'MultiEdit', multi)?.input).toEqual({
      input: '*** Begin Patch\n*** Update File: b.md\n@@\n-x\n+y\n@@\n-p\n-q\n+r\n*** End Patch\n',
    });
    // An Edit with no old text writes the file, as the agent's Edit does for a new file.
    expect(mapped([FREEFORM], 'Edit', { file_path: 'n.txt', old_string: '', new_string: 'hi' })?.input).toEqual({
      input: '*** Begin Patch\n*** Add File: n.txt\n+hi\n*** End Patch\n',
    });
  });

  it('composes nothing it cannot say as a patch: replace_all, an input without a path, another client tool', () => {
    const all = { file_path: 'a', old_string: 'x', new_string: 'y', replace_all: true };
    // Not composed: the proxy answers such a call itself (hasNoPatchForm, test/unit/no-patch-form.test.ts).
    expect(mapped([FREEFORM], 'Edit', all)?.input).not.toHaveProperty('input');
    expect(mapped([FREEFORM], 'Write', { content: 'no path' })?.input).not.toHaveProperty('input');
    // A client with its own Write tool keeps getting the agent's Write as it is.
    const ownWrite: ToolDefinition = {
      name: 'Write',
      input_schema: { type: 'object', properties: { file_path: { type: 'string' }, content: { type: 'string' } } },
    };
    expect(mapped([ownWrite, FREEFORM], 'Write', { file_path: 'a', content: 'b' })).toEqual({
      name: 'Write',
      input: { file_path: 'a', content: 'b' },
    });
  });

  it("ends a written file in its newline on Cline's apply_patch, which joins the added lines", () => {
    const write = { file_path: '/w/a.txt', content: 'one\ntwo\n' };
    const route = { upstreamName: 'Write', clientName: 'apply_patch', joinsAddedLines: true };
    expect(repairToolInput(write, clientToolSchema('apply_patch', [FREEFORM]), route)).toEqual({
      input: '*** Begin Patch\n*** Add File: /w/a.txt\n+one\n+two\n+\n*** End Patch\n',
    });
    expect(repairToolInput({ ...write, content: 'one' }, clientToolSchema('apply_patch', [FREEFORM]), route)).toEqual({
      input: '*** Begin Patch\n*** Add File: /w/a.txt\n+one\n*** End Patch\n',
    });
  });

  it("puts the same patch in opencode's `patchText`", () => {
    const multi = {
      file_path: 'b.md',
      edits: [
        { old_string: 'x', new_string: 'y' },
        { old_string: 'p', new_string: 'r' },
      ],
    };
    expect(mapped([OPENCODE_PATCH], 'MultiEdit', multi)).toEqual({
      name: 'apply_patch',
      input: { patchText: '*** Begin Patch\n*** Update File: b.md\n@@\n-x\n+y\n@@\n-p\n+r\n*** End Patch\n' },
    });
    expect(mapped([OPENCODE_PATCH], 'Write', { file_path: 'a', content: 'b' })?.input).toEqual({
      patchText: '*** Begin Patch\n*** Add File: a\n+b\n*** End Patch\n',
    });
  });

  it("makes an edit of text an earlier edit of the MultiEdit wrote in that edit's hunk", () => {
    const multi = {
      file_path: 'c.txt',
      edits: [
        { old_string: 'a = 1, b = 2', new_string: 'a = 3, b = 2' },
        { old_string: 'z = 0', new_string: 'z = 1' },
        { old_string: 'b = 2', new_string: 'b = 4' },
      ],
    };
    expect(mapped([OPENCODE_PATCH], 'MultiEdit', multi)?.input).toEqual({
      patchText:
        '*** Begin Patch\n*** Update File: c.txt\n' +
        '@@\n-a = 1, b = 2\n+a = 3, b = 4\n@@\n-z = 0\n+z = 1\n*** End Patch\n',
    });
  });

  it('holds a call to be patched until its input is whole: half a patch cannot be streamed', () => {
    expect(inputRepairMayApply('Write', 'apply_patch', [FREEFORM])).toBe(true);
    expect(inputRepairMayApply('Edit', 'apply_patch', [TYPED])).toBe(true);
  });
});
