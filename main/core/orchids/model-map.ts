/**
 * Client model id → Orchids upstream model id (protocol page section 5).
 *
 * A map is treated as immutable: the compiled patterns are cached per map object, so an edit must produce a new
 * object (the settings layer does that), never mutate the one in use.
 */

export type ModelMap = Record<string, string>;

const PASS_THROUGH_IDS = [
  'gemini-3-flash',
  'gemini-3-pro',
  'gpt-5.3-codex',
  'gpt-5.2-codex',
  'gpt-5.2',
  'grok-4.1-fast',
  'glm-5',
  'kimi-k2.5',
] as const;

export const DEFAULT_MODEL_MAP: ModelMap = Object.freeze({
  'claude-sonnet-4-5': 'claude-sonnet-4-6',
  'claude-sonnet-4-6': 'claude-sonnet-4-6',
  'claude-sonnet-4-6-thinking': 'claude-sonnet-4-6',
  'claude-sonnet-4-5-thinking': 'claude-sonnet-4-5-thinking',
  'claude-opus-4-5': 'claude-opus-4-6',
  'claude-opus-4-6': 'claude-opus-4-6',
  'claude-opus-4-6-thinking': 'claude-opus-4-6',
  'claude-opus-4-5-thinking': 'claude-opus-4-5-thinking',
  'claude-haiku-4-5': 'claude-haiku-4-5',
  'claude-sonnet-4-20250514': 'claude-sonnet-4-20250514',
  'claude-3-7-sonnet-20250219': 'claude-3-7-sonnet-20250219',
  // Listed so GET /v1/models advertises them; mapping would pass them through anyway.
  ...Object.fromEntries(PASS_THROUGH_IDS.map((id) => [id, id])),
  // Clients ship model ids faster than this table changes (Claude Code 2.1 asks for claude-opus-4-8); the newest
  // upstream model of the same family is the closest honest answer.
  'claude-opus-*': 'claude-opus-4-6',
  'claude-sonnet-*': 'claude-sonnet-4-6',
  'claude-haiku-*': 'claude-haiku-4-5',
  // Claude Code 2.1.332's model picker offers a family above Opus ("Fable 5.2 · Most capable for your hardest and
  // longest-running tasks"), which the upstream does not serve: its most capable model is the closest answer.
  'claude-fable-*': 'claude-opus-4-6',
});

export function normalizeModelId(model: string): string {
  const id = model.trim().toLowerCase();
  // The upstream spells the same model both ways (claude-opus-4.6 in its picker, claude-opus-4-6 on the wire).
  if (!id.startsWith('claude-')) return id;
  return id.replaceAll('4.6', '4-6').replaceAll('4.5', '4-5');
}

interface CompiledPattern {
  /** The key split on `*`: the first part is a prefix, the last a suffix, the middle ones must occur in order. */
  parts: string[];
  literalLength: number;
  target: string;
}

const compiledCache = new WeakMap<ModelMap, CompiledPattern[]>();

function compilePatterns(map: ModelMap): CompiledPattern[] {
  const cached = compiledCache.get(map);
  if (cached) return cached;
  const patterns: CompiledPattern[] = [];
  for (const key of Object.keys(map)) {
    if (!key.includes('*')) continue;
    const parts = key.split('*');
    let literalLength = 0;
    for (const part of parts) literalLength += part.length;
    patterns.push({ parts, literalLength, target: map[key] as string });
  }
  // Array.prototype.sort is stable, so equally specific patterns keep the user's order.
  patterns.sort((a, b) => b.literalLength - a.literalLength);
  compiledCache.set(map, patterns);
  return patterns;
}

function matchesPattern(id: string, parts: string[]): boolean {
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (id.length < first.length + last.length) return false;
  if (!id.startsWith(first) || !id.endsWith(last)) return false;
  let pos = first.length;
  const end = id.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    if (part.length === 0) continue;
    const found = id.indexOf(part, pos);
    if (found < 0 || found + part.length > end) return false;
    pos = found + part.length;
  }
  return true;
}

/** `claude-haiku-4-5-20251001` → `claude-haiku-4-5`; undefined when there is no `-YYYYMMDD` suffix. */
function stripDateSuffix(id: string): string | undefined {
  const dash = id.length - 9;
  if (dash < 1 || id.charCodeAt(dash) !== 45 /* - */) return undefined;
  for (let i = dash + 1; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return id.slice(0, dash);
}

/** How many different model ids a map remembers before its memo starts again: clients ask for a handful. */
const MAPPED_LIMIT = 64;
const mappedCache = new WeakMap<ModelMap, Map<string, string>>();

/**
 * The upstream model a requested id reaches through `map`. Every request asks it, for the same few ids over and over:
 * mapping one (trim, lowercase, version dots, the lookups) costs ~270 ns in process against ~30 for a remembered one.
 * Remembered per map object, as its compiled patterns are: a map is never changed, only replaced (settings give a new
 * object), so a new map starts with nothing remembered. A memo of any id, emptied when full, not of the last one:
 * Claude Code alternates a small model and a large one.
 */
export function mapModel(requested: string, map: ModelMap): string {
  let mapped = mappedCache.get(map);
  if (mapped === undefined) {
    mapped = new Map();
    mappedCache.set(map, mapped);
  }
  let upstream = mapped.get(requested);
  if (upstream === undefined) {
    upstream = mapModelAfresh(requested, map);
    if (mapped.size >= MAPPED_LIMIT) mapped.clear();
    mapped.set(requested, upstream);
  }
  return upstream;
}

function mapModelAfresh(requested: string, map: ModelMap): string {
  const id = normalizeModelId(requested);
  if (Object.hasOwn(map, id)) return map[id] as string;
  const undated = stripDateSuffix(id);
  if (undated !== undefined && Object.hasOwn(map, undated)) return map[undated] as string;
  for (const pattern of compilePatterns(map)) {
    if (matchesPattern(id, pattern.parts)) return pattern.target;
  }
  // Unknown ids go through unchanged, as the upstream's later generation did: a new upstream model works before
  // this table learns about it, and a wrong id fails loudly upstream instead of silently answering with another.
  return id;
}

/**
 * Every Claude model the upstream serves reads 200,000 tokens (Anthropic's published window; the 1M one is a beta
 * only Anthropic's own API grants). Other vendors' windows vary by model and the upstream's is not known: none.
 */
const CLAUDE_CONTEXT_WINDOW = 200_000;

/** The context window of the model an id reaches upstream, when it is known. */
export function contextWindowFor(upstreamModel: string): number | undefined {
  return upstreamModel.startsWith('claude-') ? CLAUDE_CONTEXT_WINDOW : undefined;
}

export function listedModels(map: ModelMap): string[] {
  return Object.keys(map).filter((key) => !key.includes('*'));
}

const MAX_ENTRIES = 500;

function hasWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)) return true;
    if (c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff) return true;
  }
  return false;
}

/**
 * Checks a user-edited table. Keys come back normalised, because lookups normalise the requested id first and a
 * key typed as `Claude-Opus-4.6` would otherwise never match.
 */
export function validateModelMap(value: unknown): { ok: true; map: ModelMap } | { ok: false; error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'the model map must be an object of "client id": "upstream id" entries' };
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ENTRIES) {
    return { ok: false, error: `the model map has ${entries.length} entries; at most ${MAX_ENTRIES} are allowed` };
  }
  const out: Array<[string, string]> = [];
  const seen = new Map<string, string>();
  for (const [key, target] of entries) {
    if (key.length === 0) return { ok: false, error: 'a model map key is empty' };
    if (hasWhitespace(key)) return { ok: false, error: `the key "${key}" contains whitespace` };
    if (typeof target !== 'string' || target.length === 0) {
      return { ok: false, error: `the value for "${key}" must be a non-empty string` };
    }
    if (hasWhitespace(target)) return { ok: false, error: `the value for "${key}" contains whitespace` };
    if (target.includes('*')) return { ok: false, error: `the value for "${key}" must be a model id, not a pattern` };
    const normalised = normalizeModelId(key);
    const earlier = seen.get(normalised);
    if (earlier !== undefined) {
      return { ok: false, error: `the keys "${earlier}" and "${key}" name the same model` };
    }
    seen.set(normalised, key);
    out.push([normalised, target]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays an ordinary entry.
  return { ok: true, map: Object.fromEntries(out) };
}
