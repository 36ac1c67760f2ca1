import { seeded } from './random';

/**
 * Random JSON documents for comparing a parser with JSON.parse: values with every string hazard (quotes,
 * backslashes, control characters, latin1, em-dashes, astral characters), own `__proto__` and duplicate keys, number
 * forms; random whitespace between tokens; and single-character mutations that make most of them invalid.
 */
export function randomDocuments(seed: number) {
  const random = seeded(seed);
  const int = (n: number) => Math.floor(random() * n);
  const char = (): string => {
    switch (int(5)) {
      case 0:
        return String.fromCharCode(0x20 + int(0x5f)); // printable ASCII, including " and \
      case 1:
        return String.fromCharCode(int(0x20)); // control characters (escaped by JSON.stringify)
      case 2:
        return String.fromCharCode(0x80 + int(0x80));
      case 3:
        return '—';
      default:
        return String.fromCodePoint(0x10000 + int(0x10ffff - 0x10000));
    }
  };
  const text = (max: number): string => Array.from({ length: int(max) }, char).join('');
  const key = (): string => (int(15) === 0 ? '__proto__' : int(10) === 0 ? 'dup' : text(6));
  const number = (): number => [0, -0, 1e21, 1e-7, -123.456, 2 ** 53 + 2, Number.MAX_VALUE, int(1e6)][int(8)]!;
  const value = (depth: number): unknown => {
    const kind = depth > 4 ? int(4) : int(6);
    if (kind === 0) return text(30);
    if (kind === 1) return int(3) === 0 ? null : int(2) === 0;
    if (kind === 2) return number();
    if (kind === 3) return text(3);
    if (kind === 4) return Array.from({ length: int(6) }, () => value(depth + 1));
    const record: Record<string, unknown> = {};
    for (let i = int(6); i > 0; i--)
      Object.defineProperty(record, key(), {
        value: value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return record;
  };
  /** JSON text with random whitespace between tokens and, sometimes, a duplicate key spliced in. */
  const spaced = (json: string): string => {
    let out = '';
    let inString = false;
    for (let i = 0; i < json.length; i++) {
      const ch = json[i]!;
      out += ch;
      if (ch === '"' && !escaped(json, i)) inString = !inString;
      if (!inString && int(6) === 0) out += [' ', '\n', '\t', '\r', '  '][int(5)];
    }
    return out;
  };
  const SIGNIFICANT = ['{', '}', '[', ']', ',', ':', '"', '\\', '-', '.', 'e', '0', '1', 't', 'n', ' ', '\x01', 'é'];
  const mutate = (json: string): string => {
    const at = int(json.length + 1);
    switch (int(4)) {
      case 0:
        return json.slice(0, at) + json.slice(at + 1); // a character lost
      case 1:
        return json.slice(0, at) + SIGNIFICANT[int(SIGNIFICANT.length)] + json.slice(at); // one inserted
      case 2:
        return json.slice(0, at); // cut short
      default:
        return json.slice(0, at) + SIGNIFICANT[int(SIGNIFICANT.length)] + json.slice(at + 1); // one replaced
    }
  };
  return { value, spaced, mutate, int };
}

function escaped(text: string, index: number): boolean {
  let count = 0;
  while (index - count - 1 >= 0 && text[index - count - 1] === '\\') count++;
  return count % 2 === 1;
}
