/** Small HTTP helpers the simulator's servers share. */
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

const KEEP_ALIVE_MS = 65_000;

/** TLS for the simulator's servers: HTTP/2 offered by ALPN (with HTTP/1.1 beside it), or HTTP/1.1 only. */
export interface SimTls {
  key: string;
  cert: string;
  /** false: an https server that never offers h2, for the fallback. Default true. */
  h2?: boolean;
}

export function createServer(handler: http.RequestListener, tls?: SimTls): http.Server {
  if (tls) {
    // The compatibility API hands HTTP/2 streams to the same (req, res) handler, and HTTP/1.1 connections (and
    // their upgrades) to the http machinery underneath, so every route works over both.
    const secure =
      tls.h2 === false
        ? https.createServer({ key: tls.key, cert: tls.cert }, handler)
        : (http2.createSecureServer(
            { key: tls.key, cert: tls.cert, allowHTTP1: true },
            handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
          ) as unknown as http.Server);
    return secure;
  }
  const server = http.createServer(handler);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000; // must exceed keepAliveTimeout or idle sockets get 408s
  return server;
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
