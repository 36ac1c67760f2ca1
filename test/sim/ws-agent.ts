/**
 * One open Generation B WebSocket (spec §5): each text frame is a request, answered with frames; sequential requests
 * share the socket. The dial-time token is checked again on every request frame, because a pooled socket outlives
 * its token (§5.1) and a client must cope with the server noticing.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import { pause, type AgentHost } from './agent';
import { bodyProblem } from './shapes';
import type { AgentRequestInfo, AgentResponse, SimStep } from './steps';
import { renderWsFrames } from './steps-gen-b';

export interface WsDial {
  socketId: number;
  headers: AgentRequestInfo['headers'];
  url: string;
  token: string;
  userId: string;
}

// false = has delay/destroy/close steps and must be written step by step.
const prerendered = new WeakMap<object, string[] | false>();

function prerender(response: { steps: SimStep[] }): string[] | false {
  let frames = prerendered.get(response);
  if (frames === undefined) {
    frames = response.steps.every((step) => 'data' in step || 'raw' in step) ? renderWsFrames(response.steps) : false;
    prerendered.set(response, frames);
  }
  return frames;
}

/** A WebSocket message as text, however `ws` delivered it. */
export function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

function errorFrame(code: string, message: string): string {
  return JSON.stringify({ type: 'error', data: { code, message } });
}

/** After the upgrade there is no status line: a scripted HTTP error becomes an error frame that still names it. */
function statusAsFrame(response: { status: number; body?: string }): string {
  const text = response.body ?? STATUS_CODES[response.status] ?? '';
  return errorFrame(`http_${response.status}`, `${response.status} ${text}`.trim());
}

export class WsSession {
  private inFlight = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly closed: Promise<void>;

  constructor(
    private readonly host: AgentHost,
    readonly dial: WsDial,
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly idleTimeoutMs: number | undefined,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.clearIdleTimer());
    ws.on('message', (data, isBinary) => {
      if (ws.readyState !== WebSocket.OPEN) return; // arrived after our close frame: nobody will read an answer
      this.onFrame(data, isBinary).catch(() => this.drop());
    });
    ws.on('ping', () => host.stats.wsPings++);
    // A protocol violation by the client: ws answers it with its own close frame; the socket's close does the rest.
    ws.on('error', () => {});
    this.armIdleTimer();
  }

  /** A request is being answered. */
  get busy(): boolean {
    return this.inFlight;
  }

  /** Starts the closing handshake; false when the socket was already closing. */
  close(code: number, reason: string): boolean {
    this.clearIdleTimer();
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.close(code, reason);
    return true;
  }

  private async onFrame(data: RawData, isBinary: boolean): Promise<void> {
    const { stats } = this.host;
    stats.wsRequests++;
    const { dial } = this;
    const rawBody = frameText(data);
    const info: AgentRequestInfo = {
      protocol: 'ws',
      headers: dial.headers,
      body: undefined,
      rawBody,
      userId: dial.userId,
      url: dial.url,
      socketId: dial.socketId,
    };
    const reject = (reason: string): void => {
      stats.wsRejectedRequests++;
      info.rejected = reason;
      this.host.record(info);
    };
    try {
      info.body = JSON.parse(rawBody);
    } catch {
      // left undefined; refused below unless something else refuses it first
    }
    if (this.inFlight) {
      reject('busy');
      this.ws.send(errorFrame('busy', 'another request is still running on this socket; send one request at a time'));
      return;
    }
    const auth = this.host.authority.checkToken(dial.token);
    if (!auth.ok) {
      reject(auth.reason);
      this.close(1008, auth.reason);
      return;
    }
    const problem = isBinary
      ? 'request frames must be text frames'
      : info.body === undefined
        ? 'request frame is not JSON'
        : this.host.checkShapes
          ? bodyProblem('ws', info.body)
          : undefined;
    if (problem !== undefined) {
      reject('bad_request');
      this.ws.send(errorFrame('bad_request', `400 Bad Request: ${problem}`));
      return;
    }
    this.host.record(info);
    let response: AgentResponse;
    try {
      response = this.host.script.choose(info);
    } catch (error) {
      this.ws.send(errorFrame('internal', `500 simulator responder threw: ${String(error)}`));
      return;
    }
    this.inFlight = true;
    this.clearIdleTimer();
    try {
      await this.answer(response);
    } finally {
      this.inFlight = false;
      this.armIdleTimer();
    }
  }

  private async answer(response: AgentResponse): Promise<void> {
    if (!('steps' in response)) {
      this.ws.send(statusAsFrame(response));
      return;
    }
    const frames = prerender(response);
    if (frames) {
      for (const frame of frames) this.ws.send(frame);
      return;
    }
    let lastSend: Promise<void> = Promise.resolve();
    for (const step of response.steps) {
      if (this.ws.readyState !== WebSocket.OPEN) return; // the client went away: stop writing
      if ('delayMs' in step) {
        await pause(step.delayMs, this.closed);
      } else if ('destroy' in step) {
        // An RST drops whatever is still queued, so let earlier frames reach the kernel first.
        await Promise.race([lastSend, this.closed]);
        this.drop();
        return;
      } else if ('close' in step) {
        try {
          this.ws.close(step.close, step.reason);
        } catch {
          this.drop(); // a code no server may send (1005, 1006, 1015 …): the nearest thing is a dropped socket
        }
        return;
      } else {
        const text = 'data' in step ? (JSON.stringify(step.data) ?? '') : step.raw;
        lastSend = new Promise<void>((resolve) => this.ws.send(text, () => resolve()));
      }
    }
  }

  private drop(): void {
    this.clearIdleTimer();
    if (this.socket.destroyed) return;
    if (typeof this.socket.resetAndDestroy === 'function') this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  private armIdleTimer(): void {
    if (this.idleTimeoutMs === undefined || this.socket.destroyed) return;
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      if (!this.inFlight) this.close(1001, 'idle timeout');
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
