/**
 * The upstream simulator as its own process for the benchmark. It runs the same OrchidsSimulator as
 * test/sim/main.ts, but is driven over IPC instead of the HTTP control API: the parent can then read the
 * simulator's own CPU time like any other process, and scripting it opens no extra sockets that could blur the
 * connection counts. Request recording is off: a benchmark must not keep 10,000 parsed bodies around.
 */
import { OrchidsSimulator, DEFAULT_RESPONSE, type AgentResponse, type SimProtocols } from '../sim/orchids-simulator';
import { announceReady, serveParent } from './ipc';

async function main(): Promise<void> {
  // checkShapes off: the "sim" and "hop" rows post Anthropic Messages bodies straight to the Gen A endpoint.
  // BENCH_SIM_TLS (h2 or h1) serves everything over TLS with the parent's certificate, for the HTTP/2 rows.
  const tlsMode = process.env.BENCH_SIM_TLS;
  const tls =
    tlsMode === 'h2' || tlsMode === 'h1'
      ? { key: process.env.BENCH_TLS_KEY ?? '', cert: process.env.BENCH_TLS_CERT ?? '', h2: tlsMode === 'h2' }
      : undefined;
  const sim = await OrchidsSimulator.start({
    tokenTtlSeconds: Number(process.env.BENCH_SIM_TOKEN_TTL_SECONDS ?? 3600),
    checkShapes: false,
    ...(tls ? { tls } : {}),
  });
  sim.setRecording(false);
  serveParent(
    {
      stats: () => ({ ...sim.stats }),
      'reset-stats': () => sim.resetStats(),
      'add-users': (message) => {
        const count = Number(message.count);
        const users = [];
        for (let i = 0; i < count; i++) users.push(sim.addUser());
        return users;
      },
      'set-protocols': (message) => sim.setProtocols(message.protocols as Partial<SimProtocols>),
      'default-response': (message) =>
        sim.setDefaultResponse((message.response as AgentResponse | undefined) ?? DEFAULT_RESPONSE),
    },
    () => sim.close(),
  );
  announceReady({ ...sim.urls() });
}

main().catch((error: unknown) => {
  console.error('bench simulator failed to start:', error);
  process.exit(1);
});
