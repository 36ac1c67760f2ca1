import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorBody } from './errors';
import type { ServerLimits } from './connection-guard';

export class ServerStartError extends Error {}

/** Node's server with the slow-client limits set (connection-guard.ts explains them). */
export function createServer(
  limits: ServerLimits,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  /** Answers the failure through the request in flight on the socket, if there is one; true when it did. */
  inFlight: (error: Error, socket: Socket) => boolean = () => false,
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Covers receiving the request only: once its body is in, an answer (a stream Claude Code holds open for
      // minutes) may take as long as it needs.
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node looks for connections past those timeouts (its default, 30 s, would let them triple).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    handle,
  );
  server.on('clientError', (error: NodeJS.ErrnoException & { reason?: unknown }, socket) => {
    if (!socket.writable) return socket.destroy();
    // Written straight to the socket, this answer would go out before (or in the middle of) the answer to a request
    // the server is still reading or working on, which the client would then never see.
    if (inFlight(error, socket as Socket)) return;
    const [status, message] = clientErrorAnswer(error);
    endWithError(socket, status, message);
  });
  // A client given this server as its HTTPS proxy sends CONNECT, which Node hands to this event alone: with no
  // listener it closes the connection without a word, and the client says only "socket hang up".
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    endWithError(socket, 405, CONNECT_REFUSED);
  });
  return server;
}

const CONNECT_REFUSED =
  "Orchids Tray is not an HTTP proxy: it does not serve CONNECT. Set it as the client's API base URL, " +
  'not as its HTTP(S) proxy.';

/** An error answered straight to the socket, which is then closed: there is no request object to answer through. */
function endWithError(socket: Duplex, status: number, message: string): void {
  const body = errorBody('invalid_request_error', message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * A request Node's parser refused (two Content-Lengths, one beside Transfer-Encoding, a malformed chunk): answered
 * with an error body like every other refusal, not a bare status line. The parser's reason is one of its fixed
 * sentences, never the request's bytes; anything else is left out.
 */
export function clientErrorAnswer(error: NodeJS.ErrnoException & { reason?: unknown }): [number, string] {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'The request did not arrive in time.'];
  if (error.code === 'HPE_HEADER_OVERFLOW') return [431, 'The request headers are too large.'];
  const { reason } = error;
  const why = typeof reason === 'string' && /^[\x20-\x7e]{1,100}$/.test(reason) ? `: ${reason}` : '';
  return [400, `The request is not valid HTTP/1.1${why}.`];
}

/** Listens, turning the usual failures into a sentence that says what to do. */
export function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new ServerStartError(
            `Port ${port} on ${host} is already in use (another Orchids Tray, or another program). ` +
              'Stop it, or choose another port with ORCHIDS_TRAY_PORT.',
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new ServerStartError(
            `Not allowed to listen on ${host}:${port}; choose a port above 1024 with ORCHIDS_TRAY_PORT.`,
          ),
        );
      } else {
        reject(new ServerStartError(`Cannot listen on ${host}:${port}: ${error.message}`));
      }
    });
    server.listen(port, host, () => resolve());
  });
}
