/**
 * The one text of a tool result, for the rewrites that read a result's words (./result-rewrites.ts): a client sends
 * it as a string or as a list of one text block, and a rewritten result keeps the shape it came in. Cline CLI's
 * command and read tools both answer with the same JSON about their run, read here once for both.
 */
import type { ToolResultContent } from '../../anthropic/types';
import { asRecord } from '../client-tools';
import { parseJson } from '../tool-input-coercion';
import type { Unwrapped } from './shell-output';

/** The text of a result that is nothing but text; undefined for any other (an image, several blocks, none). */
export function resultText(content: ToolResultContent | undefined): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.length !== 1) return undefined;
  const only = content[0] as { type?: unknown; text?: unknown };
  return only.type === 'text' && typeof only.text === 'string' ? only.text : undefined;
}

/** `text` in the shape `content` had: a string for a string, else a list of one text block. */
export function inShapeOf(content: ToolResultContent | undefined, text: string): ToolResultContent {
  return typeof content === 'string' ? text : [{ type: 'text', text }];
}

/**
 * A client's refused edit or call, which it sent unflagged, as an error in its words: a result whose whole text is in
 * the words of one of `refusals`, each anchored at its start; undefined for any other, which goes as it was.
 */
export function flagRefusal(
  content: ToolResultContent | undefined,
  refusals: readonly RegExp[],
): Unwrapped | undefined {
  const text = resultText(content);
  if (text === undefined || !refusals.some((refusal) => refusal.test(text))) return undefined;
  return { content: content as ToolResultContent, isError: true };
}

/** One run as Cline CLI 3 reports its `run_commands` and `read_files` runs. */
interface ClineRun {
  query: unknown;
  result: string;
  success: boolean;
  error: unknown;
}

/**
 * The one run of Cline's answer (`[{"query", "result", "success", "error"?}]`), or undefined for any other text:
 * several runs, or a run without a text `result` and a yes-or-no `success`.
 */
export function oneClineRun(text: string | undefined): ClineRun | undefined {
  const runs = text?.startsWith('[{') ? parseJson(text) : undefined;
  if (!Array.isArray(runs) || runs.length !== 1) return undefined;
  const run = asRecord(runs[0]);
  const result = run?.['result'];
  const success = run?.['success'];
  if (typeof result !== 'string' || typeof success !== 'boolean') return undefined;
  return { query: run?.['query'], result, success, error: run?.['error'] };
}
