import { request, type Dispatcher } from 'undici';

/** Why a credits read did not produce a figure, in words safe for a log line (no token, cookie or reply body). */
/**
 * The browser the site's own page runs in: the action and the router state are the page's, so they are asked for
 * the way the page asks.
 */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/144.0.0.0 Safari/537.36';

export class CreditsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreditsError';
  }
}

export interface SiteHttp {
  /** The shared upstream pool's dispatcher, read at each call so a replaced pool is picked up. */
  dispatcher: () => Dispatcher;
  timeoutMs: number;
}

export interface SiteReply {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string;
}

/**
 * One request to the marketing site, its body read as text up to `maxBytes`. A longer body is cut off and the call
 * fails: nothing the site sends for these calls is that large, and a page that never ends must not fill memory.
 */
export async function siteRequest(
  http: SiteHttp,
  url: string,
  options: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; maxBytes: number },
): Promise<SiteReply> {
  let response: Dispatcher.ResponseData;
  const signal = AbortSignal.timeout(http.timeoutMs);
  try {
    response = await request(url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      dispatcher: http.dispatcher(),
      headersTimeout: http.timeoutMs,
      bodyTimeout: http.timeoutMs,
      signal,
    });
  } catch (error) {
    throw new CreditsError(`${new URL(url).host} cannot be reached (${describe(error)})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        response.body.destroy();
        throw new CreditsError(`${new URL(url).pathname} answered more than ${options.maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof CreditsError) throw error;
    throw new CreditsError(`${new URL(url).host} broke off its answer (${describe(error)})`);
  }
  return { status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') };
}

function describe(error: unknown): string {
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  return (error as { code?: string })?.code ?? (error as Error)?.message ?? String(error);
}
