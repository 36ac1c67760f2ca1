/**
 * The agent's Grep asks for a case-insensitive search with `-i`. A client search tool with no such switch (opencode's
 * `grep`, Cline's `search_files`, Continue's `grep_search`) would drop it and search case-sensitively: the agent
 * reads "no matches" for text that is there and goes on believing it. The pattern itself is made caseless instead.
 *
 * DECISION: each letter becomes a class of its two cases (`todo` → `[tT][oO][dD][oO]`) rather than an inline
 * `(?i)` flag. The clients' engines differ (ripgrep's Rust regex takes `(?i)`; a JavaScript RegExp rejects it as an
 * invalid group), while a class means the same in every engine the agent's patterns are written for.
 */
import { asRecord, type JsonObject } from './client-tools';
import { normalizeKey } from './tool-vocabulary';

/** The keys, normalised, under which a client tool takes the agent's `-i` itself (KEY_SYNONYMS renames it). */
const CASE_SWITCHES = new Set(['i', 'ignorecase', 'caseinsensitive']);

/** Whether a Grep call with `-i` to a tool of this schema has its pattern folded (the tool has no switch for it). */
export function foldsCase(schema: JsonObject | undefined): boolean {
  const props = asRecord(schema?.['properties']);
  return props !== undefined && !Object.keys(props).some((key) => CASE_SWITCHES.has(normalizeKey(key)));
}

/** The call with a caseless pattern and no `-i`, when it asks for one and the tool cannot; else `input` itself. */
export function caselessSearch(input: JsonObject, schema: JsonObject | undefined): JsonObject {
  const ignoreCase = input['-i'] === true || input['-i'] === 'true';
  const pattern = input['pattern'];
  if (!ignoreCase || typeof pattern !== 'string' || !foldsCase(schema)) return input;
  const { '-i': _asked, ...rest } = input;
  return { ...rest, pattern: caseFoldedPattern(pattern) };
}

/**
 * The pattern with every letter that has a single other case matching both. Escapes (`\w`, `\x4a`, `\p{Lu}`,
 * `\k<name>`), group names and inline flags are copied as written: folding a letter there would change what the
 * pattern means or make it invalid. Inside a class the other case of each letter and letter range is added.
 */
export function caseFoldedPattern(pattern: string): string {
  const chars = Array.from(pattern);
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    if (char === '\\') {
      const end = escapeEnd(chars, i);
      out += chars.slice(i, end).join('');
      i = end;
    } else if (char === '[') {
      const folded = foldClass(chars, i);
      out += folded.text;
      i = folded.end;
    } else if (char === '(' && chars[i + 1] === '?') {
      const end = groupPrefixEnd(chars, i);
      out += chars.slice(i, end).join('');
      i = end;
    } else {
      const other = otherCase(char);
      out += other === undefined ? char : `[${char}${other}]`;
      i += 1;
    }
  }
  return out;
}

/** The single code point that is `char` in its other case, if there is exactly one (not ß → SS, not a digit). */
function otherCase(char: string): string | undefined {
  const lower = char.toLowerCase();
  const upper = char.toUpperCase();
  const other = char === lower ? upper : lower;
  if (other === char || Array.from(other).length !== 1) return undefined;
  // Both ways round, so a letter whose cases do not map back (the Kelvin sign) is left alone.
  return (other === upper ? other.toLowerCase() : other.toUpperCase()) === char ? other : undefined;
}

/** Where the escape starting at `start` (a backslash) ends, with its arguments: hex digits, `{…}`, `<…>`. */
function escapeEnd(chars: readonly string[], start: number): number {
  const kind = chars[start + 1];
  if (kind === undefined) return start + 1;
  let end = start + 2;
  if (chars[end] === '{' && 'pPxuN'.includes(kind)) return closing(chars, end, '}');
  if (chars[end] === '<' && kind === 'k') return closing(chars, end, '>');
  if (kind === 'x') return hexRun(chars, end, 2);
  if (kind === 'u') return hexRun(chars, end, 4);
  if (kind === 'c' && chars[end] !== undefined) end += 1; // a control letter, \cJ
  return end;
}

function hexRun(chars: readonly string[], from: number, most: number): number {
  let end = from;
  while (end - from < most && /^[0-9a-fA-F]$/.test(chars[end] ?? '')) end += 1;
  return end;
}

/** Just past the first `close` at or after `from`, or the end of the pattern when there is none. */
function closing(chars: readonly string[], from: number, close: string): number {
  const at = chars.indexOf(close, from);
  return at === -1 ? chars.length : at + 1;
}

/**
 * Where the special part of a group opened with `(?` ends: a name (`(?<name>`, `(?P<name>`, `(?'name'`), a
 * back-reference (`(?P=name)`) or inline flags (`(?i)`, `(?s:`) is copied whole; a look-around (`(?=`, `(?<!`) or a
 * plain group (`(?:`) only its opening.
 */
function groupPrefixEnd(chars: readonly string[], start: number): number {
  let at = start + 2;
  if (chars[at] === 'P' && chars[at + 1] === '=') return closing(chars, at, ')');
  if (chars[at] === 'P' && chars[at + 1] === '<') return closing(chars, at, '>');
  if (chars[at] === '<' && chars[at + 1] !== '=' && chars[at + 1] !== '!') return closing(chars, at, '>');
  if (chars[at] === "'") return closing(chars, at + 1, "'");
  while (chars[at] !== undefined && /^[a-zA-Z-]$/.test(chars[at]!)) at += 1;
  if (chars[at] === ':' || chars[at] === ')') return at + 1;
  return start + 2;
}

/**
 * A class `[…]` starting at `start`, each letter and letter range followed by its other case (`[a-f_x]` →
 * `[a-fA-F_xX]`): next to the original, so an added letter never meets a literal `-` and forms a range.
 */
function foldClass(chars: readonly string[], start: number): { text: string; end: number } {
  let i = start + 1;
  let text = '[';
  if (chars[i] === '^') text += chars[i++];
  // A `]` first in a class is a literal in every engine but JavaScript's; it is copied either way.
  if (chars[i] === ']') text += chars[i++];
  while (i < chars.length && chars[i] !== ']') {
    const char = chars[i]!;
    if (char === '\\') {
      const end = escapeEnd(chars, i);
      text += chars.slice(i, end).join('');
      i = end;
    } else if (char === '[' && chars[i + 1] === ':') {
      const end = closing(chars, i, ']'); // a POSIX class, [:alpha:]
      text += chars.slice(i, end).join('');
      i = end;
    } else if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
      const last = chars[i + 2] === '\\' ? undefined : chars[i + 2]!;
      if (last === undefined) {
        text += `${char}-`; // a range ending in an escape: copied as written
        i += 2;
        continue;
      }
      text += `${char}-${last}`;
      // Only a range within one case of ASCII letters has a plain counterpart (a-f → A-F).
      if (/^(?:[a-z]{2}|[A-Z]{2})$/.test(char + last)) text += `${otherCase(char)!}-${otherCase(last)!}`;
      i += 3;
    } else {
      text += char + (otherCase(char) ?? '');
      i += 1;
    }
  }
  if (i >= chars.length) return { text: chars.slice(start).join(''), end: chars.length }; // unclosed: as written
  return { text: `${text}]`, end: i + 1 };
}
