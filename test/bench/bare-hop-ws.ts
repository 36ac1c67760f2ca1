/**
 * The reference floor for the WebSocket rows: the least a Node proxy does to put a request on an Orchids socket.
 * It receives a request, sends its body unchanged as one text frame on a socket it keeps open (one idle socket per
 * concurrent request, dialled once with a token it already holds, through undici's WebSocket like the app), and
 * writes each frame that comes back to the client as an SSE `data:` line until the turn's `finish`. No validation,
 * no translation, no accounts: whatever the app spends beyond this is the app's own cost.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, WebSocket, type MessageEvent } from 'undici';
import { announceReady, serveParent } from './ipc';

const url = `${process.env.BENCH_AGENT_WS_URL ?? ''}?token=${encodeURIComponent(process.env.BENCH_TOKEN ?? '')}`;
const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
const idle: WebSocket[] = [];

function socket(): Promise<WebSocket> {
  const ready = idle.pop();
  if (ready && ready.readyState === WebSocket.OPEN) return Promise.resolve(ready);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { dispatcher });
    ws.addEventListener('open', () => resolve(ws), { once: true });
    ws.addEventListener('error', () => reject(new Error('dial failed')), { once: true });
  });
}

/** The turn ends at `finish` or `error`; a cheap look at the raw text, as the app's transport does with its parse. */
const endsTurn = (text: string): boolean => text.includes('"finish"') || text.startsWith('{"type":"error"');

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    socket().then(
      (ws) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const onMessage = (event: MessageEvent): void => {
          const text = String(event.data);
          const done = endsTurn(text);
          if (done) {
            ws.removeEventListener('message', onMessage);
            idle.push(ws);
            res.end(`data: ${text}\n\n`);
          } else {
            res.write(`data: ${text}\n\n`);
          }
        };
        ws.addEventListener('message', onMessage);
        ws.send(Buffer.concat(chunks).toString('utf8'));
      },
      () => {
        res.writeHead(502);
        res.end();
      },
    );
  });
});
// The same socket lifetimes as the app's server.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.listen(0, '127.0.0.1', () => {
  serveParent({}, async () => {
    server.closeAllConnections();
    for (const ws of idle) ws.close();
    await Promise.all([new Promise((resolve) => server.close(resolve)), dispatcher.close()]);
  });
  announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
