/**
 * What Chat Completions and Responses have in common, converted to the Messages API the pipeline speaks: images
 * and files, reasoning effort, JSON output formats, stream options and metadata (tools are in tool-params.ts).
 */
import { compileSchema, SchemaError } from '../anthropic/structured/json-schema';
import type { ContentBlock, OtherBlock, ThinkingConfig } from '../anthropic/types';
import { OpenAIRequestError } from './errors';
import {
  invalidType,
  invalidValue,
  isObject,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  missing,
  optionalString,
  requireName,
  requireString,
  unsupported,
  type Json,
} from './params';

export type Block = ContentBlock | OtherBlock;

const DATA_URL = /^data:([^;,]*)((?:;[^;,=]+=[^;,]*)*)(;base64)?,/i;

/** A data URL's media type and base64 payload, or undefined for anything else. */
function parseDataUrl(url: string): { mediaType: string; data: string; base64: boolean } | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  return { mediaType: (match[1] || 'text/plain').toLowerCase(), data: url.slice(match[0].length), base64: !!match[3] };
}

/**
 * DECISION: an image given by an http(s) URL is never fetched. Fetching would make the proxy a client of any
 * address a prompt names (and of private addresses on the user's network); instead the model is told, in a line of
 * text, which URL the image was at and that it was not read (the Messages API path does the same). Data URLs
 * carry the image itself and go upstream as base64.
 */
export function imageBlock(url: string, param: string): Block {
  const data = parseDataUrl(url);
  if (data) {
    if (!data.base64) unsupported(param, 'an image data URL must be base64-encoded (data:image/png;base64,…).');
    return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new OpenAIRequestError(
    `Invalid '${param}': expected an http(s) URL or a base64 data URL.`,
    param,
    'invalid_image_url',
  );
}

const TEXT_EXTENSIONS =
  /\.(txt|md|markdown|csv|json|ya?ml|xml|html?|[cm]?[jt]sx?|py|go|rs|java|c|h|cpp|rb|sh|sql|toml|ini)$/i;

/**
 * A file part. Text files become text the model reads; PDFs and other binaries go upstream as base64 documents;
 * a file id or file URL is named in a line of text, never fetched (the proxy has no file store).
 */
export function fileBlock(file: Json, param: string): Block {
  const filename = optionalString(file, 'filename', `${param}.filename`);
  const title = filename ? { title: filename } : {};
  const fileData = optionalString(file, 'file_data', `${param}.file_data`);
  if (fileData !== undefined) {
    const parsed = parseDataUrl(fileData);
    // Bare base64 (no data URL): OpenAI's file inputs are PDFs, unless the file's name says it is text.
    const mediaType =
      parsed?.mediaType ?? (filename && TEXT_EXTENSIONS.test(filename) ? 'text/plain' : 'application/pdf');
    const payload = parsed ? parsed.data : fileData;
    const base64 = parsed ? parsed.base64 : true;
    if (mediaType.startsWith('text/') || mediaType === 'application/json') {
      const text = base64
        ? Buffer.from(payload, 'base64').toString('utf8')
        : percentDecoded(payload, `${param}.file_data`);
      return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
    }
    if (!base64) unsupported(`${param}.file_data`, 'binary file data must be base64-encoded.');
    return { type: 'document', source: { type: 'base64', media_type: mediaType, data: payload }, ...title };
  }
  const fileId = optionalString(file, 'file_id', `${param}.file_id`);
  if (fileId !== undefined) return { type: 'document', source: { type: 'file', file_id: fileId }, ...title };
  const fileUrl = optionalString(file, 'file_url', `${param}.file_url`);
  if (fileUrl !== undefined) return { type: 'document', source: { type: 'url', url: fileUrl }, ...title };
  throw new OpenAIRequestError(
    `Invalid '${param}': a file needs file_data, file_id or file_url.`,
    param,
    'invalid_value',
  );
}

function percentDecoded(value: string, param: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new OpenAIRequestError(
      `Invalid '${param}': the data URL is not valid percent-encoding.`,
      param,
      'invalid_value',
    );
  }
}

const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
/**
 * Reasoning effort as a thinking budget. Generation A reads the budget; Generation B only knows thinking on or off,
 * so there every effort above `minimal` is "on". Thinking comes back as `reasoning_content` (Chat) or a reasoning
 * item (Responses) only when an effort asked for it.
 */
export const REASONING_BUDGETS: Record<(typeof EFFORTS)[number], number> = {
  none: 0,
  minimal: 0,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
  // The openai SDK added `max` above `xhigh`; doubling again keeps each step a real step up for Generation A.
  max: 65536,
};

export function thinkingFor(effort: unknown, param: string): ThinkingConfig | undefined {
  if (effort === undefined || effort === null) return undefined;
  if (typeof effort !== 'string' || !(EFFORTS as readonly string[]).includes(effort))
    invalidValue(param, effort, EFFORTS);
  const budget = REASONING_BUDGETS[effort as (typeof EFFORTS)[number]];
  return budget === 0 ? { type: 'disabled' } : { type: 'enabled', budget_tokens: budget };
}

export interface OutputConfig {
  format: { type: 'json_schema'; schema: Json };
}

// A fresh object each time: the request built from it is the pipeline's to change.
const anyJsonObject = (): OutputConfig => ({ format: { type: 'json_schema', schema: { type: 'object' } } });

/**
 * A JSON answer format as the Messages API's `output_config.format`; undefined for plain text. `config` holds the
 * json_schema format's `name`, `schema` and `strict` (Chat Completions nests them in `json_schema`; Responses puts
 * them on the format itself), and `configPath` names it.
 *
 * DECISION: OpenAI's API declares `schema` optional in Chat Completions' `json_schema` and required in Responses'
 * `text.format` (as the openai SDK's types do), and documents nothing about a Chat format without one. Chat's is
 * read as "any JSON object", as `json_object` is, so a request OpenAI takes is answered; Responses' stays a 400.
 */
export function jsonOutput(
  type: unknown,
  config: unknown,
  param: string,
  configPath: string,
  schemaRequired: boolean,
): OutputConfig | undefined {
  if (type === undefined || type === null || type === 'text') return undefined;
  if (type === 'json_object') return anyJsonObject();
  if (type !== 'json_schema') invalidValue(`${param}.type`, type, ['text', 'json_object', 'json_schema']);
  if (config === undefined || config === null) missing(configPath);
  if (!isObject(config)) invalidType(configPath, 'an object', config);
  requireName(config, 'name', `${configPath}.name`);
  optionalBoolean(config, 'strict', `${configPath}.strict`);
  const schema = config.schema;
  const schemaParam = `${configPath}.schema`;
  if (!isObject(schema)) {
    if (schema === undefined || schema === null) {
      if (!schemaRequired) return anyJsonObject();
      missing(schemaParam);
    }
    invalidType(schemaParam, 'an object', schema);
  }
  try {
    compileSchema(schema);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    throw new OpenAIRequestError(
      `Invalid schema for '${schemaParam}': ${error.message}`,
      schemaParam,
      'invalid_json_schema',
    );
  }
  return { format: { type: 'json_schema', schema } };
}

/**
 * `stream_options` (`include_usage` on Chat Completions, `include_obfuscation` on both): OpenAI documents it as
 * "only set this when you set stream: true" and refuses it otherwise, so a client that would be refused there is
 * refused here too rather than told nothing. Obfuscation pads events against a network observer; on loopback there
 * is none, so it is read and left off.
 */
export function readStreamOptions(body: Json, stream: boolean, flags: readonly string[]): Json | undefined {
  const options = optionalObject(body, 'stream_options', 'stream_options');
  if (options === undefined) return undefined;
  if (!stream) {
    throw new OpenAIRequestError(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  }
  for (const flag of flags) optionalBoolean(options, flag, `stream_options.${flag}`);
  return options;
}

const MAX_TOP_LOGPROBS = 20;

/**
 * `top_logprobs`, held to OpenAI's range (0 to 20), and the count it asks for. 0 asks for no alternatives, which is
 * what the proxy reports, so it is answered; what to do with more is the route's.
 */
export function readTopLogprobs(body: Json): number | undefined {
  const top = optionalInteger(body, 'top_logprobs', 'top_logprobs', 0);
  if (top !== undefined && top > MAX_TOP_LOGPROBS) {
    throw new OpenAIRequestError(
      `Invalid 'top_logprobs': integer above maximum value. Expected a value <= ${MAX_TOP_LOGPROBS}, but got ${top} ` +
        'instead.',
      'top_logprobs',
      'integer_above_max_value',
    );
  }
  return top;
}

const METADATA_PAIRS = 16;
const METADATA_KEY_LENGTH = 64;
const METADATA_VALUE_LENGTH = 512;
const characters = (text: string): number => [...text].length;

/**
 * `metadata`, held to OpenAI's rule for it (at most 16 pairs, keys of at most 64 characters, string values of at
 * most 512), in OpenAI's words. Nothing upstream reads it, but a response repeats it back, and a client must never
 * get back metadata OpenAI would not have taken.
 */
export function readMetadata(body: Json): Record<string, string> | undefined {
  const metadata = optionalObject(body, 'metadata', 'metadata');
  if (metadata === undefined) return undefined;
  const keys = Object.keys(metadata);
  if (keys.length > METADATA_PAIRS) {
    throw new OpenAIRequestError(
      `Invalid 'metadata': too many properties. Expected an object with at most ${METADATA_PAIRS} properties, but ` +
        `got an object with ${keys.length} properties instead.`,
      'metadata',
      'object_above_max_properties',
    );
  }
  for (const key of keys) {
    const path = `metadata.${key}`;
    if (characters(key) > METADATA_KEY_LENGTH) {
      throw new OpenAIRequestError(
        `Invalid property name in 'metadata': '${key}' is too long. Expected a string with maximum length ` +
          `${METADATA_KEY_LENGTH}, but got a string with length ${characters(key)} instead.`,
        path,
        'property_name_above_max_length',
      );
    }
    const value = metadata[key];
    if (typeof value !== 'string') invalidType(path, 'a string', value);
    if (characters(value) > METADATA_VALUE_LENGTH) {
      throw new OpenAIRequestError(
        `Invalid '${path}': string too long. Expected a string with maximum length ${METADATA_VALUE_LENGTH}, but ` +
          `got a string with length ${characters(value)} instead.`,
        path,
        'string_above_max_length',
      );
    }
  }
  return metadata as Record<string, string>;
}

/** Text of a content given as a string or as text parts (system, developer, tool and function messages). */
export function textContent(value: unknown, param: string, partTypes: readonly string[] = ['text']): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (!Array.isArray(value)) invalidType(param, 'a string or an array', value);
  let text = '';
  value.forEach((part, i) => {
    if (!isObject(part)) invalidType(`${param}[${i}]`, 'an object', part);
    if (typeof part.type !== 'string' || !partTypes.includes(part.type))
      invalidValue(`${param}[${i}].type`, part.type, partTypes);
    const piece = requireString(part, part.type === 'refusal' ? 'refusal' : 'text', `${param}[${i}].text`);
    text = text === '' ? piece : `${text}\n${piece}`;
  });
  return text;
}
