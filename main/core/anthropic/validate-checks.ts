/**
 * What every part of the Messages API validation shares: its error, and the field checks that word a failure the
 * way Anthropic's API does (`messages.0.content.1.type: ...`). The request's own fields are checked in validate.ts,
 * a message's content in validate-content.ts.
 */

export class RequestValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestValidationError';
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function fail(path: string, message: string): never {
  throw new RequestValidationError(path ? `${path}: ${message}` : message);
}

export function requireString(owner: Record<string, unknown>, key: string, path: string): void {
  const value = owner[key];
  if (value === undefined) fail(`${path}${key}`, 'Field required');
  if (typeof value !== 'string') fail(`${path}${key}`, 'Input should be a valid string');
}

const quoted = (values: readonly string[]): string => {
  const q = values.map((v) => `'${v}'`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q.at(-1)!}` : q.join('');
};

export function checkEnum(
  owner: Record<string, unknown>,
  key: string,
  values: readonly string[],
  path: string,
  nullable = false,
): void {
  const value = owner[key];
  if (value === undefined || (nullable && value === null)) return;
  if (typeof value !== 'string' || !values.includes(value)) fail(`${path}${key}`, `Input should be ${quoted(values)}`);
}

/** `cache_control` wherever a block or tool may carry it: only `ephemeral`, with a `ttl` of 5 minutes or an hour. */
export function checkCacheControl(value: unknown, path: string): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) fail(path, 'Input should be a valid dictionary');
  if (value.type !== 'ephemeral') fail(`${path}.type`, "Input should be 'ephemeral'");
  checkEnum(value, 'ttl', ['5m', '1h'], `${path}.`);
}
