/**
 * The simulated Orchids agent's SSE endpoints, Generation A (protocol 2.1-2.5) and Generation B (gen-b spec §6):
 * bearer check, body shape, response choice, and the SSE writer. The benchmark measures a proxy against this, so
 * the unscripted path writes pre-rendered bytes in one go.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAuthority } from './clerk';
import { readBody, sendText } from './http-util';
import { bodyProblem } from './shapes';
import type { SimStats } from './stats';
import { DEFAULT_RESPONSE, renderSse, type AgentRequestInfo, type AgentResponse, type SimStep } from './steps';
import { DEFAULT_RESPONSE_B } from './steps-gen-b';

export type AgentResponder = (req: AgentRequestInfo) => AgentResponse | undefined;
type Queued = AgentResponse | ((req: AgentRequestInfo) => AgentResponse);

/** Picks the answer for one request: per-user queue, global queue, responder, default. */
export class AgentScript {
  responder: AgentResponder | undefined;
  defaultResponse: AgentResponse = DEFAULT_RESPONSE;
  /** the default for both Generation B protocols (ws and sse-b) */
  defaultResponseB: AgentResponse = DEFAULT_RESPONSE_B;
  private readonly globalQueue: Queued[] = [];
  private readonly userQueues = new Map<string, Queued[]>();

  enqueue(response: Queued, userId?: string): void {
    if (userId === undefined) {
      this.globalQueue.push(response);
      return;
    }
    const queue = this.userQueues.get(userId);
    if (queue) queue.push(response);
    else this.userQueues.set(userId, [response]);
  }

  /** Responses still waiting in the queues (a test can assert its script was fully consumed). */
  pending(): number {
    let n = this.globalQueue.length;
    for (const queue of this.userQueues.values()) n += queue.length;
    return n;
  }

  choose(req: AgentRequestInfo): AgentResponse {
    let next: Queued | undefined;
    if (req.userId !== undefined) {
      const own = this.userQueues.get(req.userId);
      next = own?.shift();
      if (own && own.length === 0) this.userQueues.delete(req.userId);
    }
    next ??= this.globalQueue.shift();
    if (next !== undefined) return typeof next === 'function' ? next(req) : next;
    return this.responder?.(req) ?? (req.protocol === 'sse-a' ? this.defaultResponse : this.defaultResponseB);
  }
}

/** Which endpoints answer; a disabled one answers 404 (a WebSocket upgrade is refused with 404). */
export interface SimProtocols {
  ws: boolean;
  sseB: boolean;
  sseA: boolean;
}

export interface AgentHost {
  authority: SimAuthority;
  stats: SimStats;
  script: AgentScript;
  protocols: SimProtocols;
  /** false skips the body-shape checks: the benchmark forwards Anthropic bodies straight to the Gen A endpoint */
  checkShapes: boolean;
  record(info: AgentRequestInfo): void;
}

const SSE_COUNTERS = {
  'sse-a': { requests: 'agentRequests', unauthorized: 'unauthorizedAgentRequests' },
  'sse-b': { requests: 'sseBRequests', unauthorized: 'unauthorizedSseBRequests' },
} as const;

export async function serveSseRequest(
  host: AgentHost,
  protocol: 'sse-a' | 'sse-b',
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const counters = SSE_COUNTERS[protocol];
  host.stats[counters.requests]++;
  const rawBody = await readBody(req);
  const info: AgentRequestInfo = {
    protocol,
    headers: req.headers,
    body: undefined,
    rawBody,
    userId: undefined,
    url: req.url ?? '',
  };
  const refuse = (status: number, reason: string, text: string): void => {
    info.rejected = reason;
    host.record(info);
    sendText(res, status, text);
  };
  if (!(protocol === 'sse-a' ? host.protocols.sseA : host.protocols.sseB)) {
    return refuse(404, 'disabled', `404 Not Found: the simulator serves no ${protocol} endpoint now`);
  }
  if (req.method !== 'POST') return sendText(res, 405, '405 Method Not Allowed');
  const auth = host.authority.checkBearer(req.headers.authorization);
  info.userId = auth.userId;
  if (!auth.ok) {
    host.stats[counters.unauthorized]++;
    // Clients classify by grepping the body for "401" (protocol 10), so say it in the text as well.
    return refuse(401, auth.reason, `401 Unauthorized: ${auth.reason}`);
  }
  try {
    info.body = JSON.parse(rawBody);
  } catch {
    return refuse(400, 'bad_request', '400 Bad Request: request body is not JSON');
  }
  const problem = host.checkShapes ? bodyProblem(protocol, info.body) : undefined;
  if (problem !== undefined) return refuse(400, 'bad_request', `400 Bad Request: ${problem}`);
  host.record(info);
  let response: AgentResponse;
  try {
    response = host.script.choose(info);
  } catch (error) {
    return sendText(res, 500, `500 simulator responder threw: ${String(error)}`);
  }
  await writeAgentResponse(res, response);
}

const SSE_HEADERS: Record<string, string> = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

// false = has delay/destroy/raw/close steps and must be written step by step.
const prerendered = new WeakMap<object, Buffer | false>();

function prerender(response: { steps: SimStep[] }): Buffer | false {
  let bytes = prerendered.get(response);
  if (bytes === undefined) {
    bytes = response.steps.every((step) => 'data' in step) ? Buffer.from(renderSse(response.steps), 'utf8') : false;
    prerendered.set(response, bytes);
  }
  return bytes;
}

export async function writeAgentResponse(res: ServerResponse, response: AgentResponse): Promise<void> {
  if (!('steps' in response)) {
    const body = response.body ?? '';
    const type = /^\s*[[{]/.test(body) ? 'application/json' : 'text/plain; charset=utf-8';
    res.writeHead(response.status, { 'content-type': type, ...response.headers });
    res.end(body);
    return;
  }
  const headers = response.headers ? { ...SSE_HEADERS, ...response.headers } : SSE_HEADERS;
  const bytes = prerender(response);
  res.writeHead(200, headers);
  if (bytes) {
    // write + end (not end(bytes)) keeps chunked transfer encoding, as a streaming upstream would send.
    res.write(bytes);
    res.end();
    return;
  }
  await writeSteps(res, response.steps);
}

async function writeSteps(res: ServerResponse, steps: SimStep[]): Promise<void> {
  let closed = false;
  const whenClosed = new Promise<void>((resolve) =>
    res.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  let lastWrite: Promise<void> = Promise.resolve();
  for (const step of steps) {
    if (closed) return; // the client went away: stop writing
    if ('delayMs' in step) {
      await pause(step.delayMs, whenClosed);
    } else if ('close' in step) {
      break; // SSE has no close code: the body just ends here
    } else if ('destroy' in step) {
      // An RST drops whatever is still queued, so let earlier steps reach the kernel first.
      await Promise.race([lastWrite, whenClosed]);
      const socket = res.socket;
      if (socket && !socket.destroyed) {
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
      }
      return;
    } else {
      const chunk = 'data' in step ? `data: ${JSON.stringify(step.data) ?? ''}\n\n` : step.raw;
      lastWrite = new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    }
  }
  if (!closed) res.end();
}

export function pause(ms: number, interrupted: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void interrupted.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
