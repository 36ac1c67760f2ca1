/**
 * Tool results rewritten on their way upstream so the agent reads what its own tool would have returned, each found by
 * the call it answers in the conversation the client sent (the proxy keeps nothing between requests): a ranged read on
 * a client whose read tool reads whole files (./read-range.ts), a read or search the proxy ran as a shell command
 * (./shell-output.ts), a read on Cline CLI's `read_files` (./read-files.ts), an edit on its `editor`
 * (./editor-results.ts), a failed edit on Continue CLI's MultiEdit (./continue-edit-results.ts) or on opencode's `edit`
 * (./opencode-edit-results.ts), a failed command on pi's or Qwen Code's shell (./shell-failures.ts), an edit on Codex
 * CLI's `apply_patch` (./patch-results.ts), and answers to the agent's questions keyed by ids the proxy made or asked
 * one at a time (./question-answers.ts). Before any of those, a call the user declined or the client's rules refused,
 * in the client's words (./refused-calls.ts), goes as an error. After them all, a failed part of a MultiEdit split into
 * one-edit calls says which parts were made (./split-edit-notes.ts).
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import type { ClientBlock, ResultRewrites } from './content-blocks';
import { questionCalls, singleQuestionCalls, wordAnswers, wordSingleAnswer } from './question-answers';
import { clineEditorCalls, unwrapClineEditorResult } from './editor-results';
import { continueEditCalls, flagContinueEditFailure } from './continue-edit-results';
import { flagOpencodeEditFailure, opencodeEditCalls } from './opencode-edit-results';
import { patchResult, patchCalls } from './patch-results';
import { refusableCalls } from './refused-calls';
import { flagRefusal, inShapeOf, resultText } from './result-text';
import { clineReadCalls, unwrapClineRead } from './read-files';
import { rangedReads, sliceReadResult } from './read-range';
import { composedShellCalls, unwrapShellResult, type Unwrapped } from './shell-output';
import { flagShellFailure, shellCalls } from './shell-failures';
import { splitEditNotes } from './split-edit-notes';

type Rewrite = (block: ClientBlock) => ClientBlock;

export function resultRewrites(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): ResultRewrites | undefined {
  const rewrites = new Map<string, Rewrite>();
  for (const [id, range] of rangedReads(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) => {
      // An error goes as the client wrote it.
      if (block['is_error'] === true) return block;
      const content = block['content'] as ToolResultContent | undefined;
      const sliced = sliceReadResult(content, range);
      return sliced === content ? block : { ...block, content: sliced };
    });
  }
  for (const [id, tool] of composedShellCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) =>
      unwrapped(block, unwrapShellResult(block['content'] as ToolResultContent | undefined, tool, flagged(block))),
    );
  }
  const shell = shellCalls(messages, tools);
  for (const id of shell?.ids ?? []) {
    // A command the proxy composed is read above, in its own words.
    if (rewrites.has(id)) continue;
    rewrites.set(id, (block: ClientBlock) =>
      unwrapped(block, flagShellFailure(block['content'] as ToolResultContent | undefined, shell!.failed)),
    );
  }
  for (const [id, read] of clineReadCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) =>
      unwrapped(block, unwrapClineRead(block['content'] as ToolResultContent | undefined, read, flagged(block))),
    );
  }
  for (const [id, call] of clineEditorCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) =>
      unwrapped(block, unwrapClineEditorResult(block['content'] as ToolResultContent | undefined, call)),
    );
  }
  for (const id of continueEditCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) =>
      unwrapped(block, flagContinueEditFailure(block['content'] as ToolResultContent | undefined)),
    );
  }
  for (const id of opencodeEditCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) =>
      unwrapped(block, flagOpencodeEditFailure(block['content'] as ToolResultContent | undefined)),
    );
  }
  for (const [id, call] of patchCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) =>
      unwrapped(block, patchResult(block['content'] as ToolResultContent | undefined, call)),
    );
  }
  for (const [id, questions] of questionCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) => {
      if (block['is_error'] === true) return block;
      const worded = wordAnswers(block['content'] as ToolResultContent | undefined, questions);
      return worded === undefined ? block : { ...block, content: worded };
    });
  }
  for (const [id, call] of singleQuestionCalls(messages, tools) ?? []) {
    rewrites.set(id, (block: ClientBlock) => {
      if (block['is_error'] === true) return block;
      const worded = wordSingleAnswer(block['content'] as ToolResultContent | undefined, call);
      return worded === undefined ? block : { ...block, content: worded };
    });
  }
  const { ids = [], refusals = [] } = refusableCalls(messages, tools) ?? {};
  for (const id of ids) {
    // A refusal is no output of the tool's: no other rewrite reads it.
    const other = rewrites.get(id);
    rewrites.set(id, (block: ClientBlock) => {
      const refused = flagRefusal(block['content'] as ToolResultContent | undefined, refusals);
      if (refused !== undefined) return unwrapped(block, refused);
      return other ? other(block) : block;
    });
  }
  // A part failed when the agent reads its result as an error: the client flagged it, or a rewrite above did.
  const rewritten = (id: string, block: ClientBlock) => rewrites.get(id)?.(block) ?? block;
  for (const [id, note] of splitEditNotes(messages, tools, (id, block) => flagged(rewritten(id, block))) ?? []) {
    const other = rewrites.get(id);
    rewrites.set(id, (block: ClientBlock) => noted(other ? other(block) : block, note));
  }
  return rewrites.size > 0 ? rewrites : undefined;
}

const flagged = (block: ClientBlock): boolean => block['is_error'] === true;

/** The block with `note` after its words (a result that is not one text goes as it was). */
function noted(block: ClientBlock, note: string): ClientBlock {
  const content = block['content'] as ToolResultContent | undefined;
  const text = resultText(content);
  return text === undefined ? block : { ...block, content: inShapeOf(content, `${text}\n\n${note}`) };
}

/** The block with the content unwrapped from it, flagged an error or not as the unwrapping says; else as it was. */
function unwrapped(block: ClientBlock, out: Unwrapped | undefined): ClientBlock {
  if (out === undefined) return block;
  const { is_error: _, ...rest } = block;
  return out.isError ? { ...rest, content: out.content, is_error: true } : { ...rest, content: out.content };
}
