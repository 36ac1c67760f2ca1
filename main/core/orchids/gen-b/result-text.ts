/**
 * The one text of a tool result, for the rewrites that read a result's words (./result-rewrites.ts): a client sends
 * it as a string or as a list of one text block, and a rewritten result keeps the shape it came in.
 */
import type { ToolResultContent } from '../../anthropic/types';

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
