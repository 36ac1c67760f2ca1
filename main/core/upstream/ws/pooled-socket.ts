import type { Duplex } from 'node:stream';
import { ping, WebSocket, type CloseEvent, type MessageEvent } from 'undici';

/** The request a socket is carrying: every frame and the close belong to it. */
export interface SocketUser {
  frame(raw: string): void;
  closed(code: number, reason: string): void;
}

export interface SocketLifecycle {
  socketOpened(socket: PooledSocket): void;
  /** The socket's close event fired (whoever closed it); it must leave every list it is in. */
  socketClosed(socket: PooledSocket): void;
  /** It sent a frame after its turn ended, with no request to take it, and is being closed for it. */
  socketStrayed(socket: PooledSocket, raw: string): void;
}

/**
 * How long a socket we closed may take to finish the closing handshake before its connection is torn down. A
 * server that vanished (the usual reason for a timeout) never answers a close frame.
 */
const CLOSE_GRACE_MS = 5_000;

/**
 * One upgraded WebSocket and what the pool needs to know about it: whose it is, where it goes, until when its
 * token holds. It listens once for its whole life and hands frames to whichever request is using it.
 *
 * A frame that arrives while it is idle belongs to no request. Before its first request that is a greeting (a
 * `connected` sent per socket, spec §10 item 9) and is dropped. After a turn ended it means the server is still
 * talking about that turn (spec §10 item 10), and Generation B frames carry no request id, so whatever else it
 * sends would be read as the answer to the next request: the socket is closed instead of being reused.
 *
 * The listeners are functions, not the socket as a `handleEvent` object: Node's EventTarget calls an object
 * listener through an async wrapper, which costs four promises per frame and keeps each `MessageEvent` alive
 * until a later microtask.
 */
export class PooledSocket {
  user: SocketUser | undefined;
  /** A request has used it: from then on a frame with no request to take it is out of step. */
  private carried = false;
  private closeStarted = false;
  private isClosed = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded connection underneath `ws` (undefined only if the handshake did not go through undici's H1). */
    private readonly connection: Duplex | undefined,
    readonly accountId: number,
    /** The agent URL it was dialled to, without the token; a changed setting retires it. */
    readonly url: string,
    /** The `exp` of the token it was dialled with, in ms since the epoch (undefined: the token had none). */
    readonly tokenExpiresAt: number | undefined,
    private readonly lifecycle: SocketLifecycle,
  ) {
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', this.onMessage);
    ws.addEventListener('close', this.onClose);
  }

  get isOpen(): boolean {
    return !this.closeStarted && this.ws.readyState === WebSocket.OPEN;
  }

  /** The request frame, for `user`, who gets every frame until it gives the socket up. */
  send(user: SocketUser, text: string): void {
    this.user = user;
    this.carried = true;
    this.ws.send(text); // a string, so it goes out as a text frame
  }

  ping(): void {
    if (this.isOpen) ping(this.ws);
  }

  /** Starts the closing handshake and makes sure the connection goes even if the server never answers it. */
  close(): void {
    if (this.closeStarted || this.isClosed) return;
    this.closeStarted = true;
    this.user = undefined;
    try {
      this.ws.close(1000);
    } catch {
      // Already closing: the close event follows regardless.
    }
    if (this.connection) {
      const connection = this.connection;
      this.graceTimer = setTimeout(() => connection.destroy(), CLOSE_GRACE_MS);
      this.graceTimer.unref();
    }
  }

  private readonly onMessage = (event: MessageEvent): void => {
    const user = this.user;
    const data = event.data as unknown;
    if (!user) {
      if (!this.carried) return;
      this.lifecycle.socketStrayed(this, typeof data === 'string' ? data : '(a binary frame)');
      this.close();
      return;
    }
    user.frame(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8'));
  };

  private readonly onClose = (event: CloseEvent): void => {
    this.isClosed = true;
    clearTimeout(this.graceTimer);
    this.ws.removeEventListener('message', this.onMessage);
    this.ws.removeEventListener('close', this.onClose);
    const user = this.user;
    this.user = undefined;
    this.lifecycle.socketClosed(this);
    user?.closed(event.code, event.reason);
  };
}
