import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { afterEach, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  DEFAULT_RESPONSE_B,
  OrchidsSimulator,
  renderWsFrames,
  type SimOptions,
  type SimStep,
} from '../sim/orchids-simulator';
import { frameText } from '../sim/ws-agent';
import { SIM_CLERK_QUERY } from '../sim/clerk';
import { until } from './wait';

/**
 * What the simulator-gen-b-*.test.ts files share: the simulator's Generation B bodies and default answer, and clients
 * of its WebSocket and SSE endpoints holding a token minted through its Clerk.
 */

// Spec §8.1 / §8.3: the WebSocket body, and the SSE body with its top-level copies.
export const WS_BODY = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
  modelName: 'claude-sonnet-4-6',
  maxTokens: 12000,
  config: { system: 'rules', thinkingMode: 'enabled' },
};
export const SSE_B_BODY = { ...WS_BODY, model: 'claude-sonnet-4-6', system: 'rules' };

export const DEFAULT_FRAMES = renderWsFrames((DEFAULT_RESPONSE_B as { steps: SimStep[] }).steps);

class Client {
  readonly frames: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(frameText(data)));
    ws.on('error', () => {}); // a dropped socket errors; the close event carries what the tests check
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }
  send(body: unknown): void {
    this.ws.send(`${typeof body === 'string' ? body : JSON.stringify(body)}\n`); // gorilla's WriteJSON adds the newline
  }
  async frame(index: number): Promise<any> {
    await until(() => this.frames.length > index);
    return JSON.parse(this.frames[index]!);
  }
}

/**
 * Simulators and WebSocket clients of them, each closed after the test that opened it, and fake timers undone should
 * the test have left them on.
 */
export function genBSimulators() {
  const sims: OrchidsSimulator[] = [];
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const ws of sockets.splice(0)) ws.terminate();
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
  });

  async function startSim(options?: SimOptions): Promise<OrchidsSimulator> {
    const sim = await OrchidsSimulator.start(options);
    sims.push(sim);
    return sim;
  }

  /** A simulator with one user and a token minted for it through Clerk, as a client would get it. */
  async function withToken(options?: SimOptions) {
    const sim = await startSim(options);
    const user = sim.addUser();
    const res = await request(`${sim.clerkUrl}/v1/client/sessions/${user.sessionId}/tokens?${SIM_CLERK_QUERY}`, {
      method: 'POST',
      headers: { cookie: `__client=${user.clientCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'organization_id=',
    });
    const { jwt } = (await res.body.json()) as { jwt: string };
    return { sim, user, token: jwt, wsUrl: `${sim.agentWsUrl}?token=${encodeURIComponent(jwt)}` };
  }

  async function dial(url: string, headers?: Record<string, string>): Promise<Client> {
    const ws = new WebSocket(url, { headers });
    sockets.push(ws);
    const client = new Client(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return client;
  }

  /** Dials expecting a refusal; the real HTTP answer of the upgrade. */
  function refusal(url: string): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      sockets.push(ws);
      ws.on('error', () => {});
      ws.once('open', () => reject(new Error('the upgrade was accepted')));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
    });
  }
  return { withToken, dial, refusal };
}

export async function post(url: string, token: string | undefined, body: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(url, { method: 'POST', headers, body: `${JSON.stringify(body)}\n` });
  return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text() };
}
