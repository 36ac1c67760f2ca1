/**
 * A custom tool's free-text input, which travels upstream as the one string property `input` of a tool call.
 * Clients get it back as the string itself: whole, or streamed as it is decoded from the call's JSON fragments.
 */
import { CUSTOM_INPUT } from './custom-tool';

/** The text a call to a custom tool carries; a call that strayed from the one string property is shown as JSON. */
export function customInput(input: unknown): string {
  if (typeof input === 'string') return input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return JSON.stringify(input ?? '');
  const fields = input as Record<string, unknown>;
  const value = fields[CUSTOM_INPUT];
  if (typeof value === 'string') return value;
  const keys = Object.keys(fields);
  if (keys.length === 0) return '';
  const only = fields[keys[0]!];
  return keys.length === 1 && typeof only === 'string' ? only : JSON.stringify(input);
}

const OPENING = `{"${CUSTOM_INPUT}":"`;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes the `input` string of `{"input": "…"}` as its JSON arrives in fragments, so a client sees the text grow
 * as the upstream writes it. Anything else (another key first, a number) is not streamed: `finish` parses the
 * whole JSON and gives back what the deltas have not said yet (all of it, or nothing when they said it all).
 */
export class CustomInputDecoder {
  private json = '';
  private state: 'opening' | 'string' | 'closed' | 'off' = 'opening';
  /** The raw JSON of the string not decoded yet: an escape cut by the end of a fragment. */
  private pending = '';
  private decoded = '';

  /** The text one more fragment adds, possibly empty. */
  push(fragment: string): string {
    this.json += fragment;
    if (this.state === 'opening') {
      const compact = this.json.replace(/\s+/g, '');
      if (compact.startsWith(OPENING)) {
        this.state = 'string';
        // Whitespace is only ever before the string's opening quote here, which the compact form just matched.
        return this.decode(this.json.slice(this.json.indexOf('"', this.json.indexOf(':')) + 1));
      }
      if (!OPENING.startsWith(compact)) this.state = 'off';
      return '';
    }
    return this.state === 'string' ? this.decode(fragment) : '';
  }

  /**
   * The whole input, and what the deltas have not said of it yet. When the whole differs from what they said (the
   * upstream's JSON strayed from the one string), the tail is empty and only the whole, in the done event, is right.
   */
  finish(): { whole: string; tail: string } {
    let input: unknown;
    try {
      input = this.json.trim() === '' ? {} : JSON.parse(this.json);
    } catch {
      input = this.json;
    }
    const whole = customInput(input);
    return { whole, tail: whole.startsWith(this.decoded) ? whole.slice(this.decoded.length) : '' };
  }

  private decode(raw: string): string {
    let text = '';
    let chunk = this.pending + raw;
    this.pending = '';
    while (chunk.length > 0) {
      const stop = chunk.search(/["\\]/);
      if (stop === -1) {
        text += chunk;
        break;
      }
      text += chunk.slice(0, stop);
      if (chunk[stop] === '"') {
        this.state = 'closed';
        break;
      }
      const escape = chunk[stop + 1];
      if (escape === undefined) {
        this.pending = chunk.slice(stop);
        break;
      }
      if (escape === 'u') {
        const hex = chunk.slice(stop + 2, stop + 6);
        if (hex.length < 4) {
          this.pending = chunk.slice(stop);
          break;
        }
        text += String.fromCharCode(parseInt(hex, 16));
        chunk = chunk.slice(stop + 6);
        continue;
      }
      text += ESCAPES[escape] ?? escape;
      chunk = chunk.slice(stop + 2);
    }
    this.decoded += text;
    return text;
  }
}
