/**
 * `GET /v1/models` in one body that both official SDKs read: Anthropic's list (`data`, `has_more`, `first_id`,
 * `last_id`, entries with every field of the SDK's `ModelInfo`) whose entries also carry OpenAI's `object`,
 * `created` and `owned_by`, with OpenAI's `object: "list"` beside them, and a `description` neither SDK types.
 */
import { ApiError } from '../server/errors';
import { contextWindowFor, listedModels, type ModelMap } from '../orchids/model-map';

interface ModelEntry {
  type: 'model';
  id: string;
  display_name: string;
  /**
   * What runs upstream, in words. Claude Code's gateway model discovery shows it beside the name in `/model` (in
   * place of "From gateway"); Anthropic's model object has no such field, and the SDKs pass an unknown one through.
   */
  description: string;
  created_at: string;
  /**
   * The rest of the SDK's `ModelInfo`, which a client compiled against it may read: what the map cannot know
   * is null, as Anthropic leaves an unknown value. The input window is known for the Claude models.
   */
  capabilities: null;
  deprecated_at: null;
  lifecycle: 'active';
  line: 'haiku' | 'sonnet' | 'opus' | null;
  max_input_tokens: number | null;
  max_tokens: null;
  retires_at: null;
  object: 'model';
  created: number;
  owned_by: string;
}

interface ModelPage {
  object: 'list';
  data: ModelEntry[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** The map has no dates; a fixed one keeps answers stable (Anthropic requires the field). */
const CREATED_AT = '2025-01-01T00:00:00Z';
const CREATED = Date.parse(CREATED_AT) / 1000;
const MAX_LIMIT = 1000;

/**
 * Claude Code's gateway model discovery, told apart by its `User-Agent` (`claude-code/<version>`; its API requests
 * say `claude-cli/`). Its `/model` row shows each entry's name beside its description, which already says what runs,
 * and everywhere else it names a picked model by its own catalog ("Opus 4.5"), never by this name: so it gets the
 * names without "(runs …)". Codex and opencode show no description, so the others keep it in the name.
 */
export function isClaudeCodeDiscovery(userAgent: string | undefined): boolean {
  return userAgent?.startsWith('claude-code/') === true;
}

function entry(id: string, map: ModelMap, described: boolean): ModelEntry {
  return {
    type: 'model',
    id,
    display_name: described ? claudeName(id) : displayName(id, map[id]!),
    description: description(id, map[id]!),
    created_at: CREATED_AT,
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: modelLine(id),
    max_input_tokens: contextWindowFor(map[id]!) ?? null,
    max_tokens: null,
    retires_at: null,
    object: 'model',
    created: CREATED,
    owned_by: 'orchids',
  };
}

/**
 * A Claude id as Anthropic names the model (`claude-opus-4-6` → "Claude Opus 4.6"), and, when the table sends the id
 * to another model, which one answers: a client that shows the name without the description (Codex's picker) then
 * says what runs. Other ids are their own name.
 */
export function displayName(id: string, upstream: string): string {
  const name = claudeName(id);
  const runs = claudeName(upstream);
  // A thinking id the table sends to its model's plain id asks that model to think: it runs the model it names.
  return runs === name || runs === name.replace(/ Thinking$/, '') ? name : `${name} (runs ${runs})`;
}

/**
 * The model that answers an id, and whether it thinks: a thinking id, or an id the table sends to a thinking id, runs
 * its model with thinking, which "Claude Sonnet 4.6 Thinking" alone does not say.
 */
function description(id: string, upstream: string): string {
  const runs = claudeName(upstream);
  const thinking = / Thinking$/.test(runs) || /-thinking$/.test(id);
  return thinking ? `${runs.replace(/ Thinking$/, '')} with thinking, on Orchids` : `Runs ${runs} on Orchids`;
}

function claudeName(id: string): string {
  const family = (word: string) => word[0]!.toUpperCase() + word.slice(1);
  const current = /^claude-([a-z]+)-(\d+)(?:-(\d))?(-thinking)?(?:-\d{8})?$/.exec(id);
  if (current) {
    const [, line, major, minor, thinking] = current;
    return `Claude ${family(line!)} ${major}${minor ? `.${minor}` : ''}${thinking ? ' Thinking' : ''}`;
  }
  // The older order, family after the version: claude-3-7-sonnet-20250219.
  const older = /^claude-(\d+)-(\d)-([a-z]+)(?:-\d{8})?$/.exec(id);
  return older ? `Claude ${family(older[3]!)} ${older[1]}.${older[2]}` : id;
}

/** The family an id names, as Anthropic's `line`; an id from a user's map may name none. */
function modelLine(id: string): ModelEntry['line'] {
  return /haiku/i.test(id) ? 'haiku' : /sonnet/i.test(id) ? 'sonnet' : /opus/i.test(id) ? 'opus' : null;
}

export function findModel(map: ModelMap, id: string): ModelEntry | undefined {
  return listedModels(map).includes(id) ? entry(id, map, false) : undefined;
}

/**
 * One page, as Anthropic pages: `limit` entries after `after_id`, or the `limit` entries just before `before_id`,
 * `has_more` when more lie further that way. DECISION: without `limit` the whole list comes back. Anthropic's
 * default is 20, but the OpenAI SDK never asks for a next page, and a user's model map may hold more than 20 ids.
 * `described`: the client shows each `description` beside the name (see isClaudeCodeDiscovery).
 */
export function listModels(map: ModelMap, queryString: string, described = false): ModelPage {
  const query = new URLSearchParams(queryString);
  const ids = listedModels(map);
  const limit = readLimit(query.get('limit'));
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  if (afterId !== null && beforeId !== null) {
    throw new ApiError('invalid_request_error', 'Send either after_id or before_id, not both.');
  }
  let page: string[];
  let hasMore: boolean;
  if (beforeId !== null) {
    const end = position(ids, beforeId, 'before_id');
    const start = limit === undefined ? 0 : Math.max(0, end - limit);
    page = ids.slice(start, end);
    hasMore = start > 0;
  } else {
    const start = afterId === null ? 0 : position(ids, afterId, 'after_id') + 1;
    const end = limit === undefined ? ids.length : Math.min(ids.length, start + limit);
    page = ids.slice(start, end);
    hasMore = end < ids.length;
  }
  const data = page.map((id) => entry(id, map, described));
  return { object: 'list', data, has_more: hasMore, first_id: page[0] ?? null, last_id: page.at(-1) ?? null };
}

function readLimit(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) {
    throw new ApiError(
      'invalid_request_error',
      `limit: Input should be an integer from 1 to ${MAX_LIMIT}, not "${raw}".`,
    );
  }
  return limit;
}

function position(ids: readonly string[], id: string, param: string): number {
  const index = ids.indexOf(id);
  if (index < 0) throw new ApiError('invalid_request_error', `${param}: no model with the id "${id}" is listed.`);
  return index;
}
