import { request, type Dispatcher } from 'undici';
import type { Cancellation } from '../util/cancellation';

export interface OrchidsClientOptions {
  agentUrl: () => string;
  dispatcher: () => Dispatcher;
  firstByteTimeoutMs: () => number;
  idleTimeoutMs: () => number;
}

/** Sends one Generation A request over the shared pool; the caller reads (or dumps) the streamed body. */
export class OrchidsClient {
  constructor(private readonly options: OrchidsClientOptions) {}

  send(body: Buffer, token: string, signal: Cancellation): Promise<Dispatcher.ResponseData> {
    return request(this.options.agentUrl(), {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-orchids-api-version': '2',
      },
      body,
      signal,
      dispatcher: this.options.dispatcher(),
      headersTimeout: this.options.firstByteTimeoutMs(),
      bodyTimeout: this.options.idleTimeoutMs(),
    });
  }
}
