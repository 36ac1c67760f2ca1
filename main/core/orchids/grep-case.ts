/**
 * The agent's Grep asks for a case-insensitive search with `-i`. A client search tool with no such switch (opencode's
 * `grep`, Cline's `search_files`, Cline CLI's `search_codebase`) would drop it and search case-sensitively: the agent
 * reads "no matches" for text that is there and goes on believing it. The pattern itself is made caseless instead.
 *
 * DECISION: each letter becomes a class of its cases (`todo` → `[tT][oO][dD][oO]`) rather than an inline
 * `(?i)` flag. The clients' engines differ (ripgrep's Rust regex takes `(?i)`; a JavaScript RegExp rejects it as an
 * invalid group), while a class means the same in every engine the agent's patterns are written for.
 */
import { asRecord, type JsonObject } from './client-tools';
import { switchedOn } from './tool-input-coercion';
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
  const pattern = input['pattern'];
  if (!switchedOn(input['-i']) || typeof pattern !== 'string' || !foldsCase(schema)) return input;
  const { '-i': _asked, ...rest } = input;
  return { ...rest, pattern: caseFoldedPattern(pattern) };
}

/**
 * The pattern with every letter matching each of its cases, a letter written as a code escape (`\x4a`) included.
 * Other escapes (`\w`, `\p{Lu}`, `\k<name>`), group names and inline flags are copied as written: folding a
 * letter there would change what the pattern means or make it invalid. Inside a class the other cases of each letter
 * and letter range are added.
 */
export function caseFoldedPattern(pattern: string): string {
  const chars = Array.from(pattern);
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    if (char === '\\') {
      const end = escapeEnd(chars, i);
      const escape = chars.slice(i, end).join('');
      const others = caseVariants(escapedLetter(escape) ?? '');
      out += others === '' ? escape : `[${escape}${others}]`;
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
      const others = caseVariants(char);
      out += others === '' ? char : `[${char}${others}]`;
      i += 1;
    }
  }
  return out;
}

/**
 * The other letters a case-insensitive search takes `char` for, by Unicode's simple case folding as ripgrep and a
 * JavaScript `/iu` apply it: `k` → `K` and the Kelvin sign, `σ` → `Σ` and `ς`, `s` → `S` and `ſ`, `ß` → `ẞ` (not
 * `SS`, which is two). None for a character without case.
 */
function caseVariants(char: string): string {
  const fold = foldOf(char);
  if (fold === undefined) return '';
  const upper = fold.toUpperCase();
  const members = new Set([
    fold,
    ...(Array.from(upper).length === 1 ? [upper] : []),
    ...(SHARED_FOLDS.get(fold) ?? []),
  ]);
  members.delete(char);
  return [...members].join('');
}

/** A character's simple case fold, approximated as its upper case's lower case; undefined when it has none. */
export function foldOf(char: string): string | undefined {
  // Turkish dotted and dotless i fold only under Turkic rules, which neither engine applies by default.
  if (char === '\u0130' || char === '\u0131') return undefined;
  const upper = char.toUpperCase();
  const fold = Array.from(upper).length === 1 ? upper.toLowerCase() : char.toLowerCase();
  if (Array.from(fold).length !== 1) return undefined;
  return fold === char && upper === char ? undefined : fold;
}

/**
 * The characters that fold to a letter without being its upper case (a character, then its fold): the micro and
 * Kelvin signs, the long s, final sigma, Greek symbol forms and title-case digraphs. A table rather than a scan of
 * Unicode at first use, which costs ~15 ms of a request; grep-case.test.ts derives it from Node's own case data,
 * so a Node with newer Unicode that adds one fails there rather than going unnoticed.
 */
export const IRREGULAR_FOLDS: readonly string[] = [
  '\u00b5\u03bc',
  '\u017f\u0073',
  '\u01c5\u01c6',
  '\u01c8\u01c9',
  '\u01cb\u01cc',
  '\u01f2\u01f3',
  '\u0345\u03b9',
  '\u03c2\u03c3',
  '\u03d0\u03b2',
  '\u03d1\u03b8',
  '\u03d5\u03c6',
  '\u03d6\u03c0',
  '\u03f0\u03ba',
  '\u03f1\u03c1',
  '\u03f4\u03b8',
  '\u03f5\u03b5',
  '\u1c80\u0432',
  '\u1c81\u0434',
  '\u1c82\u043e',
  '\u1c83\u0441',
  '\u1c84\u0442',
  '\u1c85\u0442',
  '\u1c86\u044a',
  '\u1c87\u0463',
  '\u1c88\ua64b',
  '\u1e9b\u1e61',
  '\u1e9e\u00df',
  '\u1f88\u1f80',
  '\u1f89\u1f81',
  '\u1f8a\u1f82',
  '\u1f8b\u1f83',
  '\u1f8c\u1f84',
  '\u1f8d\u1f85',
  '\u1f8e\u1f86',
  '\u1f8f\u1f87',
  '\u1f98\u1f90',
  '\u1f99\u1f91',
  '\u1f9a\u1f92',
  '\u1f9b\u1f93',
  '\u1f9c\u1f94',
  '\u1f9d\u1f95',
  '\u1f9e\u1f96',
  '\u1f9f\u1f97',
  '\u1fa8\u1fa0',
  '\u1fa9\u1fa1',
  '\u1faa\u1fa2',
  '\u1fab\u1fa3',
  '\u1fac\u1fa4',
  '\u1fad\u1fa5',
  '\u1fae\u1fa6',
  '\u1faf\u1fa7',
  '\u1fbc\u1fb3',
  '\u1fbe\u03b9',
  '\u1fcc\u1fc3',
  '\u1ffc\u1ff3',
  '\u2126\u03c9',
  '\u212a\u006b',
  '\u212b\u00e5',
];

const SHARED_FOLDS: ReadonlyMap<string, readonly string[]> = (() => {
  const byFold = new Map<string, string[]>();
  for (const pair of IRREGULAR_FOLDS) {
    const [char, fold] = Array.from(pair) as [string, string];
    byFold.set(fold, [...(byFold.get(fold) ?? []), char]);
  }
  return byFold;
})();

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

/** The character a code escape names (`\x41`, `\u0061`, `\x{1F600}`), which is as much a letter as one typed. */
function escapedLetter(escape: string): string | undefined {
  const hex = /^\\[xu](?:([0-9a-fA-F]{2}|[0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})$/.exec(escape);
  const code = hex && parseInt(hex[1] ?? hex[2]!, 16);
  if (!code || code > 0x10ffff) return undefined;
  // \x41 is two hex digits and \u0061 four; a \u with two would be no code escape (escapeEnd stops at four).
  if (hex[1] !== undefined && hex[1].length !== (escape[1] === 'x' ? 2 : 4)) return undefined;
  return String.fromCodePoint(code);
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
      const escape = chars.slice(i, end).join('');
      text += escape + caseVariants(escapedLetter(escape) ?? '');
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
      // A range of ASCII letters within one case gains its other case's range (a-f → A-F); with the Kelvin sign
      // and the long s, which also fold to ASCII letters, where the range holds k or s.
      if (/^(?:[a-z]{2}|[A-Z]{2})$/.test(char + last)) text += rangeVariants(char, last);
      i += 3;
    } else {
      text += char + caseVariants(char);
      i += 1;
    }
  }
  if (i >= chars.length) return { text: chars.slice(start).join(''), end: chars.length }; // unclosed: as written
  return { text: `${text}]`, end: i + 1 };
}

function rangeVariants(first: string, last: string): string {
  const flip = (char: string): string => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase());
  let text = `${flip(first)}-${flip(last)}`;
  const lower = (first + last).toLowerCase();
  for (const letter of ['k', 's']) {
    if (lower[0]! <= letter && letter <= lower[1]!) text += caseVariants(letter).replace(/[a-zA-Z]/g, '');
  }
  return text;
}
