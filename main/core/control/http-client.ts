import { Agent, request } from 'undici';
import type { Envelope, Events } from '../../../contract/api';
import type { Channel, EventName } from '../../../contract/channels';

/**
 * The contract over HTTP from Node: how the CLI talks to a running app, through the same control transport and
 * the same envelopes the headless window uses. The install token goes as a Bearer header; an app in remote mode
 * (listening beyond loopback) also wants its API key on every route.
 */
export class ControlClient {
  private readonly agent = new Agent({ keepAliveTimeout: 1000 });
  private readonly headers: Record<string, string>;

  constructor(
    readonly url: string,
    token: string,
    apiKey = '',
  ) {
    this.headers = { authorization: `Bearer ${token}`, ...(apiKey ? { 'x-api-key': apiKey } : {}) };
  }

  readonly invoke = async (channel: Channel, input: unknown): Promise<Envelope<unknown>> => {
    let response;
    try {
      response = await request(`${this.url}/_tray/api/${channel}`, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { ...this.headers, 'x-orchids-tray': '1', 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
      });
    } catch (error) {
      return { ok: false, error: { code: 'offline', message: this.unreachable(error) } };
    }
    if (response.statusCode !== 200) {
      const body = (await response.body.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      return {
        ok: false,
        error: {
          code: `http_${response.statusCode}`,
          message:
            `Orchids Tray at ${this.url} refused the call (HTTP ${response.statusCode}): ` +
            (body?.error?.message ?? 'no reason given'),
        },
      };
    }
    return (await response.body.json()) as Envelope<unknown>;
  };

  /** The live event stream, one event at a time, until the app stops or `signal` aborts. */
  async *events(signal?: AbortSignal): AsyncGenerator<{ name: EventName; payload: Events[EventName] }> {
    let response;
    try {
      response = await request(`${this.url}/_tray/api/events`, {
        dispatcher: this.agent,
        headers: this.headers,
        signal,
      });
    } catch (error) {
      throw new Error(this.unreachable(error), { cause: error });
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(
        `Orchids Tray at ${this.url} refused the event stream (HTTP ${response.statusCode}); ` +
          'is its runtime.json from another install?',
      );
    }
    let buffered = '';
    for await (const chunk of response.body) {
      buffered += (chunk as Buffer).toString();
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const name = /^event: (.+)$/m.exec(frame)?.[1];
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (name && data) yield { name: name as EventName, payload: JSON.parse(data) as Events[EventName] };
      }
    }
  }

  /** A fresh one-time dashboard sign-in link (control/dashboard-access.ts). */
  async signInLink(): Promise<{ url: string; expiresAt: number }> {
    let response;
    try {
      response = await request(`${this.url}/_tray/link`, {
        method: 'POST',
        dispatcher: this.agent,
        headers: this.headers,
      });
    } catch (error) {
      throw new Error(this.unreachable(error), { cause: error });
    }
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      throw new Error(
        `Orchids Tray at ${this.url} refused a sign-in link (HTTP ${response.statusCode}): ${text.slice(0, 200)}`,
      );
    }
    return JSON.parse(text) as { url: string; expiresAt: number };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private unreachable(error: unknown): string {
    return `Cannot reach Orchids Tray at ${this.url}: ${(error as Error).message}. Is it still running?`;
  }
}
