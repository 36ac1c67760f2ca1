import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { NO_PATCH_FORM } from '../../main/core/orchids/patch-compose';
import { WRITE_OVER_EXISTING } from '../../main/core/orchids/gen-b/editor-results';
import { WHOLE_LINES } from '../../main/core/orchids/gen-b/patch-results';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import { CODEX_APPLY_PATCH as APPLY_PATCH, CODEX_TOOLS } from '../helpers/client-tools';

/** Codex's apply_patch results, as the real one sent them (codex-edit-routes.test.ts), the folder `/w`. */
const REFUSED = 'apply_patch verification failed: Failed to find expected lines in /w/date.txt:\ndate = 9';
const UPDATED = 'Success. Updated the following files:\nM /w/date.txt';
const APPLIED = `Exit code: 0\nWall time: 0 seconds\nOutput:\n${UPDATED}\n`;
/** Codex's sandbox (`workspace-write`, `read-only`), approvals off, refusing a patch without running it. */
const OUTSIDE = 'patch rejected: writing outside of the project; rejected by user approval settings';
const READ_ONLY = 'patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings';
/** The user declining the patch when Codex's TUI asked (`on-request`): Codex's turn ends there. */
const DECLINED = 'aborted by user after 1.0s';
/** A patch Codex ran and could not write. */
const FAILED_WRITE = 'Exit code: 1\nWall time: 0.1 seconds\nOutput:\nFailed to write file /w/date.txt/x.txt\n';

const DATE_PATCH = '*** Begin Patch\n*** Update File: /w/date.txt\n@@\n-date = 9\n+date = 2\n*** End Patch\n';
/** Codex's words for the empty patch an Edit with replace_all becomes (it has no patch form). */
const EMPTY_REFUSED =
  "apply_patch verification failed: invalid patch: The last line of the patch must be '*** End Patch'";

/** The result block the upstream is sent for `content`, answering a call `name`d so. */
function sent(content: unknown, name = 'apply_patch', tools = [...CODEX_TOOLS, APPLY_PATCH], patch = DATE_PATCH) {
  const input = { input: patch };
  const messages = [
    { role: 'user', content: 'Change it.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'call_p', name, input }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'call_p', content };
  const rewrite = resultRewrites(messages, tools)?.get('call_p');
  return rewrite ? rewrite(block) : block;
}

describe("Codex CLI's apply_patch result, as the agent's Edit gives it", () => {
  it('flags a refused patch an error, its words and shape kept, lines not found followed by how to give them', () => {
    const told = `${REFUSED}\n\n${WHOLE_LINES}`;
    expect(sent(REFUSED)).toEqual({ type: 'tool_result', tool_use_id: 'call_p', content: told, is_error: true });
    expect(sent([{ type: 'text', text: REFUSED }])).toMatchObject({
      content: [{ type: 'text', text: told }],
      is_error: true,
    });
    const outside = 'patch rejected: writing outside of the project; rejected by user approval settings';
    expect(sent(outside)).toMatchObject({ content: outside, is_error: true });
  });

  it('flags the sandbox’s refusal an error, in its words', () => {
    expect(sent(OUTSIDE)).toEqual({ type: 'tool_result', tool_use_id: 'call_p', content: OUTSIDE, is_error: true });
    expect(sent([{ type: 'text', text: READ_ONLY }])).toMatchObject({
      content: [{ type: 'text', text: READ_ONLY }],
      is_error: true,
    });
  });

  it('flags the user’s decline an error, in Codex’s words', () => {
    expect(sent(DECLINED)).toEqual({ type: 'tool_result', tool_use_id: 'call_p', content: DECLINED, is_error: true });
    expect(sent([{ type: 'text', text: 'aborted by user' }])).toMatchObject({ is_error: true });
    // Words that only begin so are not Codex's decline.
    expect(sent('aborted by user request; see log')).not.toHaveProperty('is_error');
  });

  it('gives a patch Codex ran its output alone, an error unless it exited 0', () => {
    expect(sent(APPLIED)).toEqual({ type: 'tool_result', tool_use_id: 'call_p', content: UPDATED });
    expect(sent([{ type: 'text', text: APPLIED }])).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_p',
      content: [{ type: 'text', text: UPDATED }],
    });
    expect(sent(FAILED_WRITE)).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_p',
      content: 'Failed to write file /w/date.txt/x.txt',
      is_error: true,
    });
    expect(sent('Exit code: 2\nWall time: 0 seconds\nOutput:\n')).toMatchObject({
      content: 'apply_patch exited with code 2.',
      is_error: true,
    });
    // Not Codex's wrapper whole (its shell's, with a chunk id): as it was.
    const shell = `Chunk ID: 1a\nWall time: 0 seconds\nProcess exited with code 0\nOutput:\n${UPDATED}\n`;
    expect(sent(shell)).toEqual({ type: 'tool_result', tool_use_id: 'call_p', content: shell });
  });

  it('tells the agent what an empty patch was, in place of Codex’s words about a patch the agent never wrote', () => {
    const tools = [...CODEX_TOOLS, APPLY_PATCH];
    expect(sent(EMPTY_REFUSED, 'apply_patch', tools, '')).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_p',
      content: NO_PATCH_FORM,
      is_error: true,
    });
    expect(sent([{ type: 'text', text: EMPTY_REFUSED }], 'apply_patch', tools, '')).toMatchObject({
      content: [{ type: 'text', text: NO_PATCH_FORM }],
      is_error: true,
    });
    // A patch with text keeps Codex's words, whatever they say.
    expect(sent(EMPTY_REFUSED)).toMatchObject({ content: EMPTY_REFUSED, is_error: true });
  });

  it('leaves another tool’s result and a client without apply_patch as they were', () => {
    expect(sent(APPLIED, 'exec_command')).toEqual({ type: 'tool_result', tool_use_id: 'call_p', content: APPLIED });
    expect(sent(REFUSED, 'exec_command')).toEqual({ type: 'tool_result', tool_use_id: 'call_p', content: REFUSED });
    expect(sent(REFUSED, 'apply_patch', CODEX_TOOLS)).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_p',
      content: REFUSED,
    });
  });
});

describe("Cline CLI's apply_patch result (a gpt or codex model), as the agent's Edit gives it", () => {
  /** Cline 3.0.65's words, as the real one sent them (model-tool-sets.test.ts), the folder `/w`. */
  const cline = (run: Record<string, unknown>) => JSON.stringify({ query: 'apply_patch', ...run });
  const APPLIED_CLINE = 'Successfully applied patch to the following files:\n/w/date.txt';
  const MISMATCH =
    'apply_patch failed: Patch could not be applied because 1 hunk did not match the current file content.';

  it('gives a success its words alone, and flags a failure an error in its words', () => {
    expect(sent(cline({ result: APPLIED_CLINE, success: true }))).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_p',
      content: APPLIED_CLINE,
    });
    const failed = 'apply_patch failed: Cannot create /w/date.txt with no content';
    expect(sent(cline({ result: '', error: failed, success: false }))).toMatchObject({
      content: failed,
      is_error: true,
    });
  });

  it('follows a hunk it did not find with how a patch finds old text, as for Codex', () => {
    const told = `${MISMATCH}\n/w/date.txt: hunk 1: Could not find matching context (similarity: 0.25). Chunk skipped.`;
    expect(sent(cline({ result: '', error: told, success: false }))).toMatchObject({
      content: `${told}\n\n${WHOLE_LINES}`,
      is_error: true,
    });
  });

  it("tells the agent a Write over an existing file was refused, in its own tools' terms", () => {
    const exists = 'apply_patch failed: Add File Error: File already exists: /w/date.txt';
    expect(sent([{ type: 'text', text: cline({ result: '', error: exists, success: false }) }])).toMatchObject({
      content: [{ type: 'text', text: WRITE_OVER_EXISTING('/w/date.txt') }],
      is_error: true,
    });
  });
});
