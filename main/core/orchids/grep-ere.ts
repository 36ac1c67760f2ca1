/**
 * The agent's Grep pattern is ripgrep's (Rust regex). Where it reaches a POSIX `grep -E` instead, what Rust regex has
 * and ERE lacks must not pass silently: GNU grep 3.8 reads `\d` as a plain `d` and `[\d_]` as `\`, `d` or `_`, so
 * `plum-\d+` finds nothing and the agent believes there is nothing to find.
 *
 * DECISION: the shorthands become POSIX bracket forms (`\d` → `[0-9]`, `\w` → `[[:alnum:]_]`, `\s` → `[[:space:]]`),
 * which every `grep -E` reads alike; GNU grep has `\w` and `\s` as extensions, and BSD's and macOS's grep were not
 * run here. `\b`, `\B`, `\<` and `\>` have no bracket form and are kept: GNU grep takes them. A pattern with anything
 * ERE cannot say (`\p{L}`, look-around, `\A`, a flag past the start) gets no translation, and the caller says so
 * rather than run a search that can only come back empty.
 */
import type { JsonObject } from './client-tools';

/** A pattern `grep -E` reads as ripgrep would, with `-i` when it began `(?i)`; or what in it grep cannot read. */
export type EreTranslation = { pattern: string; ignoreCase: boolean } | { unsupported: string };

/** ERE's special characters outside a bracket: an escaped one stays escaped, any other is written bare. */
const ERE_SPECIAL = '.[\\()*+?{|^$';
/** The shorthand classes outside a bracket. `\d` is ripgrep's Unicode digits; `[0-9]` only ASCII's. */
const SHORTHANDS: Readonly<Record<string, string>> = {
  d: '[0-9]',
  D: '[^0-9]',
  w: '[[:alnum:]_]',
  W: '[^[:alnum:]_]',
  s: '[[:space:]]',
  S: '[^[:space:]]',
};
/** The positive shorthands inside a bracket (`[\d_]`); a negated one there has no single-bracket form. */
const IN_BRACKET: Readonly<Record<string, string>> = { d: '0-9', w: '[:alnum:]_', s: '[:space:]' };
const KEPT = new Set(['b', 'B', '<', '>']);

class Unsupported extends Error {}

/** The Rust-regex `pattern` as a POSIX extended regular expression. */
export function rustRegexToEre(pattern: string): EreTranslation {
  let source = pattern;
  let ignoreCase = false;
  if (source.startsWith('(?i)')) {
    ignoreCase = true;
    source = source.slice(4);
  }
  try {
    return { pattern: translate(Array.from(source)), ignoreCase };
  } catch (error) {
    if (error instanceof Unsupported) return { unsupported: error.message };
    throw error;
  }
}

function translate(chars: readonly string[]): string {
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    if (char === '\\') {
      const kind = chars[i + 1];
      if (kind !== undefined && SHORTHANDS[kind] !== undefined) {
        out += SHORTHANDS[kind];
        i += 2;
      } else if (kind !== undefined && KEPT.has(kind)) {
        out += `\\${kind}`;
        i += 2;
      } else {
        const escaped = escapedChar(chars, i);
        out += ERE_SPECIAL.includes(escaped.char) ? `\\${escaped.char}` : escaped.char;
        i = escaped.end;
      }
    } else if (char === '[') {
      const bracket = translateBracket(chars, i);
      out += bracket.text;
      i = bracket.end;
    } else if (char === '(' && chars[i + 1] === '?') {
      // A group's name or `?:` only says what it captures, which a search for lines never reads.
      const plain = /^\(\?(?::|P?<[A-Za-z_][A-Za-z0-9_]*>)/.exec(chars.slice(i, i + 40).join(''));
      if (!plain) throw new Unsupported(`the group ${groupOpening(chars.slice(i, i + 12).join(''))}`);
      out += '(';
      i += Array.from(plain[0]).length;
    } else if (char === '{') {
      const counted = /^\{\d*(?:,\d*)?\}/.exec(chars.slice(i, i + 24).join(''));
      const length = counted ? counted[0].length : 1;
      out += chars.slice(i, i + length).join('');
      i += length;
      if (counted && chars[i] === '?') i += 1; // lazy: the same lines match
    } else {
      out += char;
      i += 1;
      if ('*+?'.includes(char) && chars[i] === '?') i += 1; // lazy: the same lines match
    }
  }
  return out;
}

/** A group's opening as the agent wrote it: `(?=`, `(?<!`, `(?i)`, `(?s:`. */
function groupOpening(text: string): string {
  return /^\(\?(?:<?[=!]|[a-zA-Z-]*[:)]?)/.exec(text)![0];
}

/**
 * The one character an escape other than a class stands for: a punctuation character itself, a tab, or an ASCII
 * character by its code (`\x41`, `\x{41}`). Any other (`\p{L}`, `\A`, `\n`) throws.
 */
function escapedChar(chars: readonly string[], start: number): { char: string; end: number } {
  const kind = chars[start + 1];
  if (kind === undefined) throw new Unsupported('a trailing backslash');
  if (kind === 't') return { char: '\t', end: start + 2 };
  if (kind === 'x') {
    const code = /^x(?:([0-9a-fA-F]{2})|\{([0-9a-fA-F]{1,2})\})/.exec(chars.slice(start + 1, start + 7).join(''));
    const value = code ? parseInt(code[1] ?? code[2]!, 16) : 0;
    if (code && value >= 0x20 && value < 0x7f)
      return { char: String.fromCharCode(value), end: start + 1 + code[0].length };
  }
  if (/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e ]$/.test(kind)) return { char: kind, end: start + 2 };
  throw new Unsupported(`the escape \\${kind}`);
}

/**
 * A bracket `[…]` as POSIX writes it. A backslash inside one is a plain character in POSIX, so each escape is
 * resolved, and `]`, `^` and `-` are put where a POSIX bracket reads them as themselves: first, not first, last.
 */
function translateBracket(chars: readonly string[], start: number): { text: string; end: number } {
  let i = start + 1;
  const negated = chars[i] === '^';
  if (negated) i += 1;
  let bracket = false;
  let caret = false;
  let dash = false;
  let openers = '';
  let body = '';
  const add = (char: string): void => {
    if (char === ']') bracket = true;
    else if (char === '^') caret = true;
    else if (char === '-') dash = true;
    else if (char === '[') openers = '[';
    else body += char;
  };
  // A `]` first is a literal in Rust regex and in POSIX.
  if (chars[i] === ']') {
    bracket = true;
    i += 1;
  }
  while (chars[i] !== ']') {
    const char = chars[i];
    if (char === undefined) throw new Unsupported('an unclosed [');
    const pair = char + (chars[i + 1] ?? '');
    if (pair === '&&' || pair === '~~' || pair === '--') throw new Unsupported(`the class operator ${pair}`);
    if (pair === '[:') {
      const close = chars.indexOf(']', i);
      if (close === -1) throw new Unsupported('an unclosed [');
      body += chars.slice(i, close + 1).join('');
      i = close + 1;
      continue;
    }
    if (char === '[') throw new Unsupported('a nested class');
    if (char === '\\' && chars[i + 1] !== undefined && IN_BRACKET[chars[i + 1]!] !== undefined) {
      body += IN_BRACKET[chars[i + 1]!];
      i += 2;
      continue;
    }
    if (char === '\\' && 'DWS'.includes(chars[i + 1] ?? '_')) throw new Unsupported(`\\${chars[i + 1]} inside [ ]`);
    const first = char === '\\' ? escapedChar(chars, i) : { char, end: i + 1 };
    if (chars[first.end] === '-' && chars[first.end + 1] !== undefined && chars[first.end + 1] !== ']') {
      const last =
        chars[first.end + 1] === '\\'
          ? escapedChar(chars, first.end + 1)
          : { char: chars[first.end + 1]!, end: first.end + 2 };
      if ('[]^-\\'.includes(first.char) || '[]^-\\'.includes(last.char))
        throw new Unsupported(`the range ${first.char}-${last.char}`);
      body += `${first.char}-${last.char}`;
      i = last.end;
      continue;
    }
    add(first.char);
    i = first.end;
  }
  // `[` last of the plain characters, so it never opens `[:`; then `^`, then `-`.
  body = (bracket ? ']' : '') + body + openers;
  if (caret) {
    // `[^]` would negate: a lone `^` is written after a `-`, or escaped outside any bracket.
    if (body !== '' || negated) body += '^';
    else if (dash) {
      body = '-^';
      dash = false;
    } else return { text: '\\^', end: i + 1 };
  }
  if (dash) body += '-';
  if (body === '') throw new Unsupported('an empty class');
  return { text: `[${negated ? '^' : ''}${body}]`, end: i + 1 };
}

/** A search whose `pattern` has its digits in ASCII (asciiDigits); else `input` itself. */
export function digitsSearch(input: JsonObject): JsonObject {
  const pattern = input['pattern'];
  if (typeof pattern !== 'string') return input;
  const rewritten = asciiDigits(pattern);
  return rewritten === pattern ? input : { ...input, pattern: rewritten };
}

/**
 * `\d` and `\D` as `[0-9]` and `[^0-9]`, and `\d` in a class as `0-9`, nothing else changed: the one rewrite that
 * means the same to ripgrep, `git grep -E`, `grep -E` and a JavaScript RegExp, apart from the non-ASCII digits
 * (Arabic-Indic, Devanagari…) ripgrep's Unicode `\d` also matches. `\D` inside a class is left: it has no such form.
 */
export function asciiDigits(pattern: string): string {
  let out = '';
  let inClass = false;
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[i]!;
    if (char === '\\' && chars[i + 1] !== undefined) {
      const kind = chars[i + 1]!;
      if (kind === 'd') out += inClass ? '0-9' : '[0-9]';
      else if (kind === 'D' && !inClass) out += '[^0-9]';
      else out += char + kind;
      i += 1;
      continue;
    }
    if (char === '[' && !inClass) {
      inClass = true;
      out += char;
      // A `]` first in a class is one of its characters, not its end.
      if (chars[i + 1] === '^') out += chars[++i];
      if (chars[i + 1] === ']') out += chars[++i];
      continue;
    }
    if (char === '[' && chars[i + 1] === ':') {
      const close = chars.indexOf(']', i);
      if (close !== -1) {
        out += chars.slice(i, close + 1).join('');
        i = close;
        continue;
      }
    }
    if (char === ']' && inClass) inClass = false;
    out += char;
  }
  return out;
}
