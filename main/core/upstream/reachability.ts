import { request, type Dispatcher } from 'undici';
import type { UpstreamProtocol } from './protocol';

export interface UpstreamUrls {
  agentUrl: string;
  agentBUrl: string;
  agentWsUrl: string;
}

/**
 * Whether the host serving `protocol` answers at all: any status below 500 means the path to Orchids is back.
 * A WebSocket host answers plain GETs too, so its address is asked over http(s).
 */
export async function upstreamAnswers(
  urls: UpstreamUrls,
  protocol: UpstreamProtocol | '',
  dispatcher: Dispatcher,
): Promise<boolean> {
  const url =
    protocol === 'ws' ? urls.agentWsUrl.replace(/^ws/, 'http') : protocol === 'sse-b' ? urls.agentBUrl : urls.agentUrl;
  const response = await request(url, { method: 'GET', dispatcher });
  await response.body.dump();
  return response.statusCode < 500;
}
