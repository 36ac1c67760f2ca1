/**
 * A message's content, block by block, as the Messages API defines it: the block types it knows (the list that grows
 * with Anthropic's API), what each block must carry, and where an image or document may come from.
 */
import { checkCacheControl, checkEnum, fail, isObject, requireString } from './validate-checks';

/** Block types the Messages API defines; anything else is refused, as Anthropic refuses it. */
export const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'text',
  'image',
  'document',
  'search_result',
  'thinking',
  'redacted_thinking',
  'tool_use',
  'tool_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
  // The beta Messages API's (`?beta=true`, which Claude Code calls): a client replays them in its history.
  'advisor_tool_result',
  'compaction',
  'tool_addition',
  'tool_removal',
  'mcp_tool_listing',
  'fallback',
]);

/** What a tool_result's content may hold besides the blocks above: a tool search's references, a browser's state. */
const TOOL_RESULT_ONLY_TYPES: ReadonlySet<string> = new Set(['tool_reference', 'browser_state']);

const EXPECTED_TAGS = [...KNOWN_BLOCK_TYPES].map((t) => `'${t}'`).join(', ');

export function validateMessage(message: unknown, path: string): void {
  if (!isObject(message)) fail(path, 'Input should be a valid dictionary');
  const role = message.role;
  if (role === undefined) fail(`${path}.role`, 'Field required');
  if (role !== 'user' && role !== 'assistant' && role !== 'system') {
    fail(`${path}.role`, "Input should be 'user', 'assistant' or 'system'");
  }
  const content = message.content;
  if (content === undefined) fail(`${path}.content`, 'Field required');
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) fail(`${path}.content`, 'Input should be a valid string or a list of content blocks');
  for (let j = 0; j < content.length; j++) validateBlock(content[j], `${path}.content.${j}`);
}

function validateBlock(block: unknown, path: string, inToolResult = false): void {
  if (!isObject(block)) fail(path, 'Input should be a valid dictionary');
  const type = block.type;
  if (type === undefined) fail(`${path}.type`, 'Field required');
  if (inToolResult && typeof type === 'string' && TOOL_RESULT_ONLY_TYPES.has(type)) return;
  if (typeof type !== 'string' || !KNOWN_BLOCK_TYPES.has(type)) {
    fail(
      `${path}.type`,
      `Input tag '${typeof type === 'string' ? type : JSON.stringify(type)}' found using 'type' ` +
        `does not match any of the expected tags: ${EXPECTED_TAGS}`,
    );
  }
  checkCacheControl(block.cache_control, `${path}.cache_control`);
  switch (type) {
    case 'text':
      requireString(block, 'text', `${path}.`);
      break;
    case 'tool_use':
    case 'server_tool_use':
      requireString(block, 'id', `${path}.`);
      requireString(block, 'name', `${path}.`);
      if (block.input !== undefined && !isObject(block.input))
        fail(`${path}.input`, 'Input should be a valid dictionary');
      break;
    case 'tool_result': {
      requireString(block, 'tool_use_id', `${path}.`);
      const content = block.content;
      if (content !== undefined && typeof content !== 'string') {
        if (!Array.isArray(content)) fail(`${path}.content`, 'Input should be a valid string or list');
        for (let k = 0; k < content.length; k++) validateBlock(content[k], `${path}.content.${k}`, true);
      }
      if (block.is_error !== undefined && typeof block.is_error !== 'boolean') {
        fail(`${path}.is_error`, 'Input should be a valid boolean');
      }
      break;
    }
    case 'image':
    case 'document':
      validateSource(block.source, type, `${path}.source`);
      break;
    case 'thinking':
      requireString(block, 'thinking', `${path}.`);
      break;
    default:
      break;
  }
}

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const SOURCE_TYPES: Record<'image' | 'document', string[]> = {
  image: ['base64', 'url', 'file'],
  document: ['base64', 'text', 'content', 'url', 'file'],
};

/** An image's or document's source, as Anthropic takes it: its kinds, and for inline data the media types. */
function validateSource(source: unknown, kind: 'image' | 'document', path: string): void {
  if (source === undefined) fail(path, 'Field required');
  if (!isObject(source)) fail(path, 'Input should be a valid dictionary');
  const type = source.type;
  if (typeof type !== 'string' || !SOURCE_TYPES[kind].includes(type)) {
    fail(
      path,
      `Input tag '${typeof type === 'string' ? type : JSON.stringify(type)}' found using 'type' does not match ` +
        `any of the expected tags: ${SOURCE_TYPES[kind].map((t) => `'${t}'`).join(', ')}`,
    );
  }
  const here = `${path}.`;
  switch (type) {
    case 'base64':
      requireString(source, 'data', here);
      if (kind === 'image') checkEnum(source, 'media_type', IMAGE_MEDIA_TYPES, here);
      else checkEnum(source, 'media_type', ['application/pdf'], here);
      if (source.media_type === undefined) fail(`${here}media_type`, 'Field required');
      break;
    case 'text':
      requireString(source, 'data', here);
      break;
    case 'content':
      if (typeof source.content !== 'string' && !Array.isArray(source.content)) {
        fail(`${here}content`, 'Input should be a valid string or list');
      }
      break;
    case 'url':
      requireString(source, 'url', here);
      break;
    default:
      requireString(source, 'file_id', here);
  }
}
