/**
 * The Generation B host (spec §3.1), a server of its own because in reality it is another host than Generation A:
 * `GET /agent/ws/coding-agent?token=<JWT>` upgrades to a WebSocket, `POST /agent/coding-agent` is Generation B SSE.
 * It owns the `upgrade` event, so a refused upgrade is a real HTTP response with a status and a body, never a 101.
 */
import http, { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { serveSseRequest, type AgentHost } from './agent';
import { createServer, readBody, sendText, type SimTls } from './http-util';
import type { AgentRequestInfo } from './steps';
import { WsSession } from './ws-agent';

export const WS_PATH = '/agent/ws/coding-agent';
export const SSE_B_PATH = '/agent/coding-agent';

export interface UpgradeRefusal {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** One upgrade attempt: accepted (101, with the socket's id) or refused with an HTTP status. */
export interface WsUpgradeInfo {
  /** the upgrade's headers (user-agent, origin, cookie …) */
  headers: AgentRequestInfo['headers'];
  url: string;
  userId: string | undefined;
  status: number;
  socketId?: number;
}

export class GenBHost {
  readonly server: http.Server;
  refusal: UpgradeRefusal | undefined;
  /** Text frames sent on every new socket right after the upgrade, before any request (a per-socket greeting). */
  greeting: string[] | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  private readonly sessions = new Set<WsSession>();
  private socketIds = 0;

  constructor(
    private readonly host: AgentHost,
    private readonly options: {
      idleTimeoutMs: number | undefined;
      recordUpgrade(info: WsUpgradeInfo): void;
      tls?: SimTls | undefined;
    },
  ) {
    this.server = createServer((req, res) => {
      this.onHttp(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendText(res, 500, `500 simulator error: ${String(error)}`);
        else res.destroy();
      });
    }, options.tls);
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket as Socket, head),
    );
  }

  /** Closes every open WebSocket with no request in flight; returns how many it closed. */
  closeIdle(code: number, reason: string): number {
    let closed = 0;
    for (const session of this.sessions) {
      if (!session.busy && session.close(code, reason)) closed++;
    }
    return closed;
  }

  close(): void {
    this.wss.close();
  }

  private async onHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === SSE_B_PATH) return serveSseRequest(this.host, 'sse-b', req, res);
    await readBody(req);
    if (path === WS_PATH && this.host.protocols.ws) {
      return sendText(res, 426, '426 Upgrade Required: this endpoint speaks WebSocket', {
        upgrade: 'websocket',
        connection: 'Upgrade',
      });
    }
    return sendText(res, 404, `404 Not Found: simulator has no route ${req.method} ${path}`);
  }

  private onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy()); // a client that resets mid-handshake must not crash the simulator
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const record = (status: number, userId: string | undefined, socketId?: number): void => {
      const info: WsUpgradeInfo = { headers: req.headers, url: req.url ?? '', userId, status };
      if (socketId !== undefined) info.socketId = socketId;
      this.options.recordUpgrade(info);
    };
    const refuse = (status: number, body: string, headers: Record<string, string> = {}, userId?: string): void => {
      this.host.stats.wsRefusedUpgrades++;
      record(status, userId);
      writeRefusal(socket, status, body, headers);
    };
    if (url.pathname !== WS_PATH) return refuse(404, `404 Not Found: simulator has no WebSocket at ${url.pathname}`);
    if (this.refusal) {
      const { status, body, headers } = this.refusal;
      return refuse(status, body ?? `${status} ${STATUS_CODES[status] ?? ''}`.trim(), headers);
    }
    if (!this.host.protocols.ws) return refuse(404, '404 Not Found: the simulator serves no WebSocket endpoint now');
    // Spec §3.2: `token` is the only query parameter. The original's short-lived `orchids_api_version=2` was
    // removed the day it was added; a client that brings it back is not speaking Generation B as last seen.
    const extra = [...url.searchParams.keys()].find((key) => key !== 'token');
    if (this.host.checkShapes && extra !== undefined) {
      return refuse(400, `400 Bad Request: the WebSocket URL takes only \`token\`, not \`${extra}\``);
    }
    const token = url.searchParams.get('token') ?? undefined;
    const auth = this.host.authority.checkToken(token);
    if (!auth.ok) return refuse(401, `401 Unauthorized: ${auth.reason}`, {}, auth.userId);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const { stats } = this.host;
      const socketId = ++this.socketIds;
      stats.wsUpgrades++;
      stats.openWsSockets++;
      record(101, auth.userId, socketId);
      const dial = { socketId, headers: req.headers, url: req.url ?? '', token: token ?? '', userId: auth.userId };
      const session = new WsSession(this.host, dial, ws, socket, this.options.idleTimeoutMs);
      this.sessions.add(session);
      for (const frame of this.greeting ?? []) ws.send(frame);
      socket.once('close', () => {
        stats.openWsSockets--;
        this.sessions.delete(session);
      });
    });
  }
}

function writeRefusal(socket: Socket, status: number, body: string, headers: Record<string, string>): void {
  if (socket.destroyed) return;
  const payload = Buffer.from(body, 'utf8');
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    'connection: close',
    'content-type: text/plain; charset=utf-8',
    `content-length: ${payload.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  // HTTP servers keep sockets half-open after end(); destroy once the answer is flushed so none lingers.
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), payload]));
}
