import { ApiError, quotedHeaderValue } from './errors';

/**
 * The body must be JSON, and JSON on the wire is UTF-8 (RFC 8259). A `charset` naming anything else used to be
 * ignored and the bytes read as UTF-8 regardless; it is now refused with 415, naming what was sent.
 */
export function checkJsonContentType(header: string | undefined): void {
  // What nearly every client sends: nothing to split or lowercase.
  if (header === 'application/json') return;
  const [type = '', ...params] = String(header ?? '').split(';');
  if (type.trim().toLowerCase() !== 'application/json') {
    throw new ApiError('invalid_request_error', 'Content-Type must be application/json.');
  }
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new ApiError(
        'invalid_request_error',
        `Content-Type charset ${quotedHeaderValue(charset)} is not supported: send the JSON body as UTF-8.`,
        415,
      );
    }
  }
}
