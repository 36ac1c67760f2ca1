import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ServerLimits } from './connection-guard';

export class ServerStartError extends Error {}

/** Node's server with the slow-client limits set (connection-guard.ts explains them). */
export function createServer(
  limits: ServerLimits,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
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
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });
  return server;
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
