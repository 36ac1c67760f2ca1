/**
 * A standalone micro-benchmark: what one short streamed POST costs the client's CPU over HTTP/2 and over HTTP/1.1,
 * against the same TLS server (in its own process, so only the client's CPU is counted).
 *
 *   node dist/test/bench/h2-client-cost.js [requests a run, default 4000] [concurrency, default 16] [events, default 6]
 *
 * An answer is `events` SSE events; past 6 the server writes each on its own turn of its event loop, so they arrive
 * as separate DATA frames (or chunks) the way a long streamed answer does, and the per-chunk cost shows.
 *
 * Rows: undici over HTTP/1.1, undici over h2 (as the app's dispatcher drives it: `dispatch` with a handler of its
 * own), and node:http2's own client with nothing of undici's on top, which is the floor any Node h2 client pays.
 * Each row runs three times, alternating, after a warm-up; CPU is the client process's user+system time per request.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { loopbackCertificate } from '../helpers/loopback-cert';
import { Agent, type Dispatcher } from 'undici';

const BODY = Buffer.from(
  JSON.stringify({ prompt: 'x'.repeat(900), model: 'claude-sonnet-4-6', chatHistory: [], email: 'user1@example.test' }),
);
const EVENT_COUNT = Number(process.argv[4] ?? 6); // the server gets it in the same place
/** A Generation A-like answer: short ones are written at once, as the simulator does. */
const EVENTS = Array.from(
  { length: EVENT_COUNT },
  (_, i) => `data: ${JSON.stringify({ type: 'coding_agent.output_text.delta', delta: `piece ${i} `.repeat(4) })}\n\n`,
);

function serve(): void {
  const { key, cert } = JSON.parse(process.env.H2_COST_PEMS!) as { key: string; cert: string };
  const server = http2.createSecureServer({ key, cert, allowHTTP1: true }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (EVENTS.length <= 6) {
        for (const event of EVENTS) res.write(event);
        res.end();
        return;
      }
      let next = 0;
      const writeOne = (): void => {
        if (next === EVENTS.length) return void res.end();
        res.write(EVENTS[next++]!);
        setImmediate(writeOne);
      };
      writeOne();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
}

type Send = () => Promise<void>;

/** The app's way: `dispatch` with a handler that takes the raw chunks, no Readable per response. */
function undiciSender(agent: Agent, origin: string): Send {
  return () =>
    new Promise<void>((resolve, reject) => {
      const handler: Dispatcher.DispatchHandler = {
        onConnect: () => undefined,
        onHeaders: () => true,
        onData: () => true,
        onComplete: () => resolve(),
        onError: reject,
      };
      agent.dispatch(
        {
          origin,
          path: '/agent',
          method: 'POST',
          idempotent: true,
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer fake' },
          body: BODY,
        },
        handler,
      );
    });
}

function nodeH2Sender(session: http2.ClientHttp2Session): Send {
  return () =>
    new Promise<void>((resolve, reject) => {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/agent',
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: 'Bearer fake',
        'content-length': String(BODY.length),
      });
      stream.on('data', () => undefined);
      stream.on('end', resolve);
      stream.on('error', reject);
      stream.end(BODY);
    });
}

async function drive(send: Send, count: number, concurrency: number): Promise<void> {
  let left = count;
  const lane = async (): Promise<void> => {
    while (left-- > 0) await send();
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

async function measure(send: Send, count: number, concurrency: number): Promise<{ cpuUs: number; rps: number }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await drive(send, count, concurrency);
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { cpuUs: (used.user + used.system) / count, rps: count / seconds };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 4000);
  const concurrency = Number(process.argv[3] ?? 16);
  const pems = await loopbackCertificate();
  const server: ChildProcess = fork(__filename, ['serve', '', String(EVENT_COUNT)], {
    env: { ...process.env, H2_COST_PEMS: JSON.stringify({ key: pems.key, cert: pems.cert }) },
  });
  const port = await new Promise<number>((resolve) => server.once('message', (m) => resolve(m as number)));
  const origin = `https://127.0.0.1:${port}`;
  const secureContext = tls.createSecureContext({ ca: pems.cert });
  const h1 = new Agent({ connect: { secureContext }, allowH2: false, pipelining: 1 });
  const h2 = new Agent({ connect: { secureContext }, allowH2: true, pipelining: 100 });
  const session = http2.connect(origin, { secureContext });
  const rows: Array<[string, Send]> = [
    ['undici, HTTP/1.1', undiciSender(h1, origin)],
    ['undici, HTTP/2', undiciSender(h2, origin)],
    ['node:http2 alone', nodeH2Sender(session)],
  ];
  const results = new Map<string, Array<{ cpuUs: number; rps: number }>>();
  for (const [, send] of rows) await drive(send, Math.min(count, 1000), concurrency); // warm-up: JIT, connections
  for (let round = 0; round < 3; round++) {
    for (const [name, send] of rows) {
      const result = await measure(send, count, concurrency);
      results.set(name, [...(results.get(name) ?? []), result]);
    }
  }
  const answer = `${EVENT_COUNT} SSE events an answer`;
  console.log(`node ${process.version}, ${count} requests a run at c=${concurrency}, ${answer}, three runs each:`);
  for (const [name, runs] of results) {
    const cpu = runs.map((r) => r.cpuUs.toFixed(0)).join(' / ');
    const rps = runs.map((r) => r.rps.toFixed(0)).join(' / ');
    console.log(`${name.padEnd(20)} ${cpu.padStart(12)} µs CPU a request   ${rps.padStart(12)} req/s`);
  }
  session.close();
  await Promise.all([h1.close(), h2.close()]);
  server.kill();
}

if (process.argv[2] === 'serve') serve();
else void main();
