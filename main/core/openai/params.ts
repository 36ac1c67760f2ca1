/**
 * Checks on OpenAI request parameters, worded as OpenAI words them ("Invalid type for 'messages': expected an
 * array, but got a string instead."), with the parameter path in `param`. Like the Messages API validator, they
 * walk the parsed body once and copy nothing; unknown parameters are ignored.
 */
import { OpenAIRequestError } from './errors';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  // JSON's 1e400 parses as Infinity: "expected a number, but got a number" would say nothing. A fraction is "a
  // decimal number", as OpenAI words it: "expected an integer, but got a number" would not say what was wrong.
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'a number too large to represent';
    return Number.isInteger(value) ? 'a number' : 'a decimal number';
  }
  return `a ${typeof value}`;
}

export function invalidType(param: string, expected: string, value: unknown): never {
  throw new OpenAIRequestError(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`,
    param,
    'invalid_type',
  );
}

export function missing(param: string): never {
  throw new OpenAIRequestError(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

export function invalidValue(param: string, value: unknown, supported: readonly string[]): never {
  throw new OpenAIRequestError(
    `Invalid value: '${String(value)}'. Supported values are: ${supported.map((s) => `'${s}'`).join(', ')}.`,
    param,
    'invalid_value',
  );
}

/** A parameter this proxy cannot honour: refused by name rather than silently ignored. */
export function unsupported(param: string, why: string): never {
  throw new OpenAIRequestError(`Unsupported parameter: '${param}': ${why}`, param, 'unsupported_parameter');
}

export function requireString(owner: Json, key: string, path: string): string {
  const value = owner[key];
  if (value === undefined || value === null) missing(path);
  if (typeof value !== 'string') invalidType(path, 'a string', value);
  return value;
}

/** The model: both APIs require one, and OpenAI words an empty one as a missing one. */
export function requireModel(body: Json): string {
  const model = requireString(body, 'model', 'model');
  if (model.trim() === '')
    throw new OpenAIRequestError('you must provide a model parameter', 'model', 'missing_required_parameter');
  return model;
}

export function optionalString(owner: Json, key: string, path: string): string | undefined {
  const value = owner[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalidType(path, 'a string', value);
  return value;
}

export function optionalBoolean(owner: Json, key: string, path: string): boolean | undefined {
  const value = owner[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') invalidType(path, 'a boolean', value);
  return value;
}

export function optionalInteger(
  owner: Json,
  key: string,
  path: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = owner[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) invalidType(path, 'an integer', value);
  if (value < min) {
    throw new OpenAIRequestError(
      `Invalid '${path}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      path,
      'integer_below_min_value',
    );
  }
  // 1e308 and 2^63 pass Number.isInteger.
  if (value > max) {
    throw new OpenAIRequestError(
      `Invalid '${path}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      path,
      'integer_above_max_value',
    );
  }
  return value;
}

export function optionalNumber(owner: Json, key: string, path: string, min: number, max: number): number | undefined {
  const value = owner[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) invalidType(path, 'a number', value);
  if (value < min || value > max) {
    throw new OpenAIRequestError(
      `Invalid '${path}': expected a number between ${min} and ${max}, but got ${value} instead.`,
      path,
      'invalid_value',
    );
  }
  return value;
}

export function optionalObject(owner: Json, key: string, path: string): Json | undefined {
  const value = owner[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) invalidType(path, 'an object', value);
  return value;
}

/**
 * A function's or a JSON format's name, held to the rule OpenAI documents for both: "a-z, A-Z, 0-9, or
 * underscores and dashes, with a maximum length of 64".
 */
export function requireName(owner: Json, key: string, path: string): string {
  const name = requireString(owner, key, path);
  if (name.trim() === '') throw new OpenAIRequestError(`Invalid '${path}': empty string.`, path, 'empty_string');
  if (name.length > 64) {
    throw new OpenAIRequestError(
      `Invalid '${path}': string too long. Expected a string with maximum length 64, but got a string with length ` +
        `${name.length} instead.`,
      path,
      'string_above_max_length',
    );
  }
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
    throw new OpenAIRequestError(
      `Invalid '${path}': string does not match pattern. Expected a string that matches the pattern ` +
        "'^[a-zA-Z0-9_-]+$'.",
      path,
      'invalid_value',
    );
  }
  return name;
}

export function requireArray(owner: Json, key: string, path: string): unknown[] {
  const value = owner[key];
  if (value === undefined || value === null) missing(path);
  if (!Array.isArray(value)) invalidType(path, 'an array', value);
  return value;
}

type UnusedParam = 'a string' | 'a boolean' | 'an integer' | 'a count' | 'an object' | 'an array of strings';

/**
 * Parameters OpenAI defines that nothing here reads (the upstream has no use for them), held to their type all the
 * same: a client sending `"seed": "x"` or `"user": 5` is told so by name, as OpenAI would tell it, rather than
 * answered as if the request were fine (and, for `user`, having its 5 repeated back in the response).
 */
export function checkUnusedParams(body: Json, params: Readonly<Record<string, UnusedParam>>): void {
  // for…in, not Object.entries: the callers pass module constants, whose keys V8 enumerates from a cache, where
  // Object.entries built an array of pairs every request.
  for (const key in params) {
    const expected = params[key]!;
    const value = body[key];
    if (value === undefined || value === null) continue;
    switch (expected) {
      case 'a string':
        optionalString(body, key, key);
        break;
      case 'a boolean':
        optionalBoolean(body, key, key);
        break;
      // `seed` may be negative in OpenAI's API (any int64); only counts such as `max_tool_calls` start at 0.
      case 'an integer':
        optionalInteger(body, key, key, Number.MIN_SAFE_INTEGER);
        break;
      case 'a count':
        optionalInteger(body, key, key, 0);
        break;
      case 'an object':
        optionalObject(body, key, key);
        break;
      case 'an array of strings':
        if (!Array.isArray(value)) invalidType(key, expected, value);
        value.forEach((item, i) => {
          if (typeof item !== 'string') invalidType(`${key}[${i}]`, 'a string', item);
        });
    }
  }
}
