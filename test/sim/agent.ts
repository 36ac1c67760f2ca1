/**
 * The simulated Orchids agent endpoint (protocol 2.1-2.5): bearer check, response choice, and the SSE writer.
 * The benchmark measures a proxy against this, so the unscripted path writes pre-rendered bytes in one go.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimAuthority, SimStats } from './clerk';
import { DEFAULT_RESPONSE, renderSse, type AgentRequestInfo, type AgentResponse, type SimStep } from './steps';

export type AgentResponder = (req: AgentRequestInfo) => AgentResponse | undefined;
type Queued = AgentResponse | ((req: AgentRequestInfo) => AgentResponse);

/** Picks the answer for one request: per-user queue, global queue, responder, default. */
export class AgentScript {
  responder: AgentResponder | undefined;
  defaultResponse: AgentResponse = DEFAULT_RESPONSE;
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
    return this.responder?.(req) ?? this.defaultResponse;
  }
}

export interface AgentHost {
  authority: SimAuthority;
  stats: SimStats;
  script: AgentScript;
  record(info: AgentRequestInfo): void;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendText(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function serveAgentRequest(host: AgentHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  host.stats.agentRequests++;
  const rawBody = await readBody(req);
  if (req.method !== 'POST') return sendText(res, 405, '405 Method Not Allowed');
  const auth = host.authority.checkBearer(req.headers.authorization);
  const info: AgentRequestInfo = { headers: req.headers, body: undefined, rawBody, userId: auth.userId, url: req.url ?? '' };
  if (!auth.ok) {
    host.stats.unauthorizedAgentRequests++;
    host.record(info);
    // Clients classify by grepping the body for "401" (protocol 10), so say it in the text as well.
    return sendText(res, 401, `401 Unauthorized: ${auth.reason}`);
  }
  try {
    info.body = JSON.parse(rawBody);
  } catch {
    host.record(info);
    return sendText(res, 400, '400 Bad Request: request body is not JSON');
  }
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

// false = has delay/destroy/raw steps and must be written step by step.
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

function pause(ms: number, interrupted: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void interrupted.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
