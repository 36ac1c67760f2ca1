/**
 * Value coercion by the client tool's own schema: models sometimes quote booleans, numbers and nested JSON. Only
 * where the schema names a non-string type: a property declared `string` (or not described at all) is the model's
 * to fill.
 */
import { asRecord, type JsonObject } from './client-tools';

/** Copy-on-write: the caller's object is returned untouched when nothing needs fixing. */
export function coerceObject(input: JsonObject, schema: JsonObject | undefined): JsonObject {
  const props = asRecord(schema?.['properties']);
  if (!props) return input;
  let out: JsonObject | undefined;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(props, key)) continue;
    const value = input[key];
    const fixed = coerceValue(value, asRecord(props[key]));
    if (fixed !== value) (out ??= { ...input })[key] = fixed;
  }
  return out ?? input;
}

function coerceValue(value: unknown, schema: JsonObject | undefined): unknown {
  if (!schema) return value;
  const declared = schema['type'];
  const types = typeof declared === 'string' ? [declared] : Array.isArray(declared) ? declared : [];
  let v = value;
  if (typeof v === 'string' && types.length > 0 && !types.includes('string')) v = coerceString(v, types);
  if (Array.isArray(v)) {
    const items = asRecord(schema['items']);
    if (!items || !asRecord(items['properties'])) return v;
    const list: unknown[] = v;
    let copy: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const el = asRecord(item);
      const fixed = el ? coerceObject(el, items) : item;
      if (fixed !== item) (copy ??= list.slice())[i] = fixed;
    }
    return copy ?? list;
  }
  const obj = asRecord(v);
  return obj ? coerceObject(obj, schema) : v;
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function coerceString(s: string, types: unknown[]): unknown {
  const t = s.trim();
  for (const type of types) {
    if (type === 'boolean') {
      const lower = t.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
    } else if (type === 'number' || type === 'integer') {
      if (t.length > 0 && t.length < 64 && NUMERIC.test(t)) {
        const n = Number(t);
        if (Number.isFinite(n) && (type === 'number' || Number.isInteger(n))) return n;
      }
    } else if (type === 'array' || type === 'object') {
      if (t.charCodeAt(0) !== (type === 'array' ? 91 /* [ */ : 123) /* { */) continue;
      const parsed = parseJson(t);
      if (type === 'array' ? Array.isArray(parsed) : asRecord(parsed)) return parsed;
    }
  }
  return s;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A whole number ≥ 0 from a number or a numeric string (models quote numbers), else undefined. */
export function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Whether an agent's switch is on: `true`, or `"true"` (models quote booleans as they do numbers). */
export function switchedOn(value: unknown): boolean {
  return value === true || value === 'true';
}
