import { request, type Dispatcher } from 'undici';
import type { Health } from '../../contract/status-views';

/** The smallest Messages API request the tests send: one "hi", five tokens, answered in one piece. */
export const HI = { model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };

type RequestOptions = NonNullable<Parameters<typeof request>[1]>;

/** POSTs `body` as JSON to the Messages API of the proxy at `baseUrl`; the caller reads the answer. */
export function postMessages(
  baseUrl: string,
  body: unknown = HI,
  options: Omit<RequestOptions, 'method' | 'body'> = {},
): ReturnType<typeof request> {
  return request(`${baseUrl}/v1/messages`, {
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.headers as Record<string, string> | undefined) },
    body: JSON.stringify(body),
  });
}

/** Sends HI and reads the answer through: its status. */
export async function hiStatus(baseUrl: string): Promise<number> {
  const response = await postMessages(baseUrl);
  await response.body.dump();
  return response.statusCode;
}

/**
 * POSTs `body` as it is (valid JSON or not) and reads the answer whole: the status, the headers and the parsed
 * JSON body, if there is one.
 */
export async function postRaw(
  baseUrl: string,
  body: string | Buffer,
  options: { headers?: Record<string, string>; path?: string; dispatcher?: Dispatcher } = {},
) {
  const response = await request(baseUrl + (options.path ?? '/v1/messages'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body,
    dispatcher: options.dispatcher,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/** `GET /health` on loopback: its details, as a monitor reads them. */
export async function getHealth(baseUrl: string): Promise<Health> {
  const response = await request(`${baseUrl}/health`);
  return (await response.body.json()) as Health;
}
