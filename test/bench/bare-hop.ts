/**
 * The reference floor: the least a Node proxy can do. It receives a request, forwards it unchanged (body streamed
 * through) over one undici keep-alive Pool to the simulator's agent endpoint with a bearer token it already holds,
 * and pipes the upstream's bytes back. No validation, no translation, no accounts, no bookkeeping: whatever the
 * app spends beyond this is the app's own cost. It runs in its own process, like the app, and answers the same
 * probe commands (cpu, loop delay, memory) so both are measured the same way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { announceReady, serveParent } from './ipc';

const agentUrl = new URL(process.env.BENCH_AGENT_URL ?? '');
const authorization = `Bearer ${process.env.BENCH_TOKEN ?? ''}`;
// Unlimited connections, like the app's Agent: each concurrent request gets a socket, reused afterwards.
const pool = new Pool(agentUrl.origin, { pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });

const server = http.createServer((req, res) => {
  const headers: Record<string, string> = {
    authorization,
    'content-type': 'application/json',
    accept: 'text/event-stream',
  };
  const length = req.headers['content-length'];
  if (length) headers['content-length'] = length;
  pool
    .request({ path: agentUrl.pathname, method: 'POST', headers, body: req })
    .then(({ statusCode, headers: upstream, body }) => {
      res.writeHead(statusCode, { 'content-type': String(upstream['content-type'] ?? 'text/event-stream') });
      // pipe(), not stream.pipeline(): pipeline aborts an AbortController when it finishes, and building that
      // abort's DOMException cost this hop ~8% of its CPU. The floor should be the cheapest honest pass-through.
      body.pipe(res);
      body.once('error', () => res.destroy());
      res.once('close', () => body.destroy());
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
});
// The same socket lifetimes as the app's server.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.listen(0, '127.0.0.1', () => {
  serveParent({}, async () => {
    server.closeAllConnections();
    await Promise.all([new Promise((resolve) => server.close(resolve)), pool.close()]);
  });
  announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
