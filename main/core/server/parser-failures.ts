import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The request a connection is reading or answering, for a failure of the connection under it. */
export interface InFlight {
  req: IncomingMessage;
  res: ServerResponse;
  /** Set while its body is being read: aborting it refuses the body. */
  interrupt: AbortController | undefined;
  /** The connection already failed under it: Node's parser reports each later byte again. */
  failed: boolean;
}

/**
 * Which request each connection is reading or answering, so that a failure of Node's parser under it (the client
 * half-closed before its body's last byte, bytes that are not HTTP followed, the request timed out) is answered
 * through that request, in its route's format, instead of by a raw answer written over (or before) the route's own.
 */
export class ParserFailures {
  private readonly bySocket = new WeakMap<Socket, InFlight>();

  /**
   * @param abortedUpload counts a body the client stopped sending (as the connection guard counted it when the
   *   connection was closed under it)
   */
  constructor(private readonly abortedUpload: () => void) {}

  /** The request now in flight on its socket: the one record a request gets, kept until `done`. */
  track(req: IncomingMessage, res: ServerResponse): InFlight {
    const current: InFlight = { req, res, interrupt: undefined, failed: false };
    this.bySocket.set(req.socket, current);
    return current;
  }

  /** Its response is over. A pipelined request after it may already be the socket's: that one stays. */
  done(socket: Socket, current: InFlight): void {
    if (this.bySocket.get(socket) === current) this.bySocket.delete(socket);
  }

  /**
   * Node's parser failed on the connection while a request on it is being read or answered. A body being read is
   * refused in the route's own format, saying how much came; a request already whole is answered as usual. Either
   * way the connection closes after that answer, so nothing is written over it and nothing waits on a dead parser.
   * False when no request is in flight, or its body is read by a route that does not say (the raw answer then).
   */
  failedUnder(error: Error, socket: Socket): boolean {
    const current = this.bySocket.get(socket);
    if (!current) return false;
    if (current.failed) return true;
    const { req, res, interrupt } = current;
    // Whole is whole even while its last bytes are still on their way to the route (they arrived in the same read as
    // the bytes the parser refused).
    if (!req.complete && !interrupt) return false;
    current.failed = true;
    if (!res.headersSent) res.setHeader('connection', 'close');
    // Counted as before, when the connection was closed under it: a client that destroys its socket mid-upload is
    // seen here as one that half-closed it.
    if (!req.complete) {
      this.abortedUpload();
      interrupt!.abort(error);
    } else if (res.writableFinished) socket.destroySoon();
    else res.once('finish', () => socket.destroySoon());
    return true;
  }
}
