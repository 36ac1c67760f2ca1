/**
 * Anthropic content → Generation B content (spec §4.2, §4.3). Every block becomes a new object holding only the
 * keys Generation B defines, in the wire order of ./types.ts. Large values (text, tool inputs, tool results, image
 * data) are referenced, never copied: the body only lives until it is serialised, and nothing writes to it.
 */
import { searchResultText } from '../../anthropic/search-result';
import type { MediaSource, Message, ToolResultContent } from '../../anthropic/types';
import type {
  GenBBareBlock,
  GenBBlock,
  GenBMediaBlock,
  GenBMessage,
  GenBTextBlock,
  GenBToolResult,
  GenBToolResultBlock,
  GenBToolUseBlock,
} from './types';

/** A client block as parsed JSON: the validator guarantees an object with a string `type`, nothing more. */
export type ClientBlock = { type: string; [key: string]: unknown };

/** A result as the agent's own tool would have given it, by the id of the call it answers (./result-rewrites.ts). */
export type ResultRewrites = ReadonlyMap<string, (block: ClientBlock) => ClientBlock>;

export function toGenBMessage(role: string, content: Message['content'], rewrites?: ResultRewrites): GenBMessage {
  if (typeof content === 'string') return { role, content };
  const blocks: GenBBlock[] = [];
  let toolResults: GenBToolResult[] | undefined;
  if (Array.isArray(content)) {
    for (let i = 0; i < content.length; i++) {
      const block = content[i] as ClientBlock | null;
      if (block === null || typeof block !== 'object' || typeof block.type !== 'string') continue;
      if (block.type === 'tool_result') {
        const id = block['tool_use_id'];
        const rewrite = typeof id === 'string' ? rewrites?.get(id) : undefined;
        const result = rewrite === undefined ? block : rewrite(block);
        blocks.push(toolResultBlock(result));
        // The same result again under Go's field names (§4.2). Whether the server reads these or the blocks is
        // unknown (§10.19), so both go up, as they always did; the second copy costs bytes, not a copy in memory.
        (toolResults ??= []).push(toolResultEntry(result));
      } else {
        blocks.push(toGenBBlock(block));
      }
    }
  }
  const message: GenBMessage = { role, content: blocks };
  if (toolResults) message.ToolResults = toolResults;
  return message;
}

function toGenBBlock(block: ClientBlock): GenBBlock {
  switch (block.type) {
    case 'text':
      return textBlock(block['text']);
    case 'image':
      return mediaBlock('image', 'Image', block['source']);
    case 'document':
      return documentBlock(block['source']);
    case 'tool_use':
      return toolUseBlock(block);
    case 'search_result':
      return textBlock(searchResultText(block));
    case 'compaction':
      // The summary Anthropic wrote of the turns it compacted away: the upstream has nothing else of them. Without
      // one (a failed compaction, or only encrypted content) the bare type goes, as for any other block.
      return typeof block['content'] === 'string' && block['content'] !== ''
        ? textBlock(block['content'])
        : { type: 'compaction' };
    case 'thinking':
      // The spec's client sent only the type (§4.3, §10.18): the signature proves the text to Anthropic's own
      // models, not to Orchids.
      return { type: 'thinking' };
    default:
      // `redacted_thinking` included: the reference client sent it under its own type, payload dropped (§4.3).
      return { type: block.type };
  }
}

function textBlock(text: unknown): GenBTextBlock {
  return { text: typeof text === 'string' ? text : '', type: 'text' };
}

function mediaBlock(
  type: 'image' | 'document',
  label: string,
  source: unknown,
): GenBMediaBlock | GenBTextBlock | GenBBareBlock {
  const media = (source ?? {}) as MediaSource;
  if (typeof media.data === 'string' && media.data !== '') {
    const mediaType = nonEmpty(media.media_type);
    return {
      source: mediaType === undefined ? { data: media.data } : { data: media.data, media_type: mediaType },
      type,
    };
  }
  // The original sent a bare `{"type":"image"}` for a URL or a file id, which tells the model only that something
  // was there. Nothing on this path downloads the file, so the model is told where it was and that it was not read.
  const reference = nonEmpty(media.url) ?? nonEmpty(media.file_id);
  if (reference !== undefined) return textBlock(`[${label}: ${reference} (not fetched by Orchids Tray)]`);
  return { type };
}

function documentBlock(source: unknown): GenBMediaBlock | GenBTextBlock | GenBBareBlock {
  const media = (source ?? {}) as MediaSource & { content?: unknown };
  // Plain-text and content documents are text already: sent as text the model reads them, where the spec's
  // `{"type":"document","source":{...}}` shape would only carry them if the upstream knew Anthropic's document types.
  if (media.type === 'text') return textBlock(media.data);
  if (media.type === 'content') return textBlock(contentDocumentText(media.content));
  return mediaBlock('document', 'Document', media);
}

/** The text of a `content` document: its string, or its text blocks one paragraph each (images in it are lost). */
function contentDocumentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (let i = 0; i < content.length; i++) {
    const block = content[i] as ClientBlock | null;
    if (block?.type !== 'text' || typeof block['text'] !== 'string' || block['text'] === '') continue;
    text = text === '' ? block['text'] : `${text}\n\n${block['text']}`;
  }
  return text;
}

function toolUseBlock(block: ClientBlock): GenBToolUseBlock {
  return {
    id: stringOr(block['id']),
    // A tool_use without input called a tool with no arguments; `{}` says so where a missing key would be null.
    input: block['input'] === undefined ? {} : block['input'],
    // The client's own name, verbatim: the upstream sees the history the client wrote (§4.3).
    name: stringOr(block['name']),
    type: 'tool_use',
  };
}

function toolResultBlock(block: ClientBlock): GenBToolResultBlock {
  // Built key by key because the optional keys sit between required ones in the wire order.
  const out = { content: toolResultContent(block) } as GenBToolResultBlock;
  if (block['has_input'] === true) out.has_input = true;
  if (block['is_error'] === true) out.is_error = true;
  const name = nonEmpty(block['name']);
  if (name !== undefined) out.name = name;
  out.tool_use_id = stringOr(block['tool_use_id']);
  out.type = 'tool_result';
  return out;
}

/**
 * Every field of the Go struct behind these entries is `omitempty` (§4.2): an empty id and a missing or null
 * content were left out, where the block beside it keeps `"content":null`. An interface holding `""` or `[]` is not
 * empty to Go, so those stay.
 */
function toolResultEntry(block: ClientBlock): GenBToolResult {
  const entry: GenBToolResult = {};
  const name = nonEmpty(block['name']);
  if (name !== undefined) entry.Name = name;
  const toolUseId = nonEmpty(block['tool_use_id']);
  if (toolUseId !== undefined) entry.ToolUseID = toolUseId;
  const content = toolResultContent(block);
  if (content !== null) entry.Content = content;
  if (block['is_error'] === true) entry.IsError = true;
  if (block['has_input'] === true) entry.HasInput = true;
  return entry;
}

const toolResultContent = (block: ClientBlock): ToolResultContent | null =>
  (block['content'] as ToolResultContent | undefined) ?? null;

const stringOr = (value: unknown): string => (typeof value === 'string' ? value : '');

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
