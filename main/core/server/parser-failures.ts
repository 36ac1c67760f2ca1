import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BodyInterrupt } from './read-body';

/** The request a connection is reading or answering, for a failure of the connection under it. */
export interface InFlight {
  req: IncomingMessage;
  res: ServerResponse;
  /** Set while its body is being read: aborting it refuses the body. */
  interrupt: BodyInterrupt | undefined;
  /** The connection already failed under it: Node's parser reports each later byte again. */
  failed: boolean;
  /** The connection failed under its body before its handler began to read it: reading it refuses it at once. */
  cutShort: Error | undefined;
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
    const current: InFlight = { req, res, interrupt: undefined, failed: false, cutShort: undefined };
    this.bySocket.set(req.socket, current);
    return current;
  }

  /**
   * Its response is over. A pipelined request after it may already be the socket's: that one stays. One refused before
   * its body was read stays until that body has passed (Node reads it off the wire): a failure under it is no new
   * request's, and the refusal stays the only answer.
   */
  done(socket: Socket, current: InFlight): void {
    if (this.bySocket.get(socket) !== current) return;
    if (current.req.complete) this.bySocket.delete(socket);
    else current.req.once('end', () => this.done(socket, current));
  }

  /** Its body is being read: aborted with the connection's failure under it (at once if that came first). */
  reading(current: InFlight): BodyInterrupt {
    const interrupt = (current.interrupt = new BodyInterrupt());
    if (current.cutShort) interrupt.interrupt(current.cutShort);
    return interrupt;
  }

  /**
   * Node's parser failed on the connection while a request on it is being read or answered. A body being read, or
   * still to be read by a handler that has not begun, is refused in the route's own format, saying how much came; a
   * request already whole, or refused before its body was read, is answered as usual. Either way the connection
   * closes after that answer, so nothing is written over it and nothing waits on a dead parser. False when no request
   * is in flight (the raw answer then).
   */
  failedUnder(error: Error, socket: Socket): boolean {
    const current = this.bySocket.get(socket);
    if (!current) return false;
    if (current.failed) return true;
    current.failed = true;
    const { req, res, interrupt } = current;
    if (!res.headersSent) res.setHeader('connection', 'close');
    // Whole is whole even while its last bytes are still on their way to the route (they arrived in the same read as
    // the bytes the parser refused).
    if (!req.complete && (interrupt || !res.headersSent)) {
      // Counted as before, when the connection was closed under it: a client that destroys its socket mid-upload is
      // seen here as one that half-closed it.
      this.abortedUpload();
      if (interrupt) {
        interrupt.interrupt(error);
        return true;
      }
      current.cutShort = error;
    }
    if (res.writableFinished) socket.destroySoon();
    else res.once('finish', () => socket.destroySoon());
    return true;
  }
}
