/**
 * HTTP/2 to the upstream: the app streaming short answers at c=16 from a TLS simulator that offers h2, beside one that
 * offers only HTTP/1.1, each in its own fresh simulator and app process. The connections opened during the measured
 * phase and those open at its end show what h2 saves: sixteen concurrent streams on one connection instead of
 * sixteen connections. A third row turns the app's upstreamHttp2 setting off against the h2 simulator.
 */
import { loopbackCertificate } from '../helpers/loopback-cert';
import { shortBody } from './bodies';
import { measureRow, type Bench } from './harness';
import { LOAD_COLUMNS, loadCells, type Report } from './report';

export async function http2Connections(bench: Bench, report: Report): Promise<void> {
  const pems = await loopbackCertificate();
  const table = report.table(
    'HTTP/2 vs HTTP/1.1 to the upstream (TLS simulator, Generation A SSE, short streamed request, c=16)',
    ['Upstream', 'upstream conns opened while measured', 'open at the end', ...LOAD_COLUMNS],
    'Each row has its own simulator (offering h2 by ALPN, or HTTP/1.1 only) and its own app trusting that ' +
      'simulator\u2019s certificate; "vs hop" here compares with the h1 row.',
  );
  let h1: Parameters<typeof loadCells>[1];
  // The third row: the same h2-offering simulator, with the app's upstreamHttp2 setting off.
  const rows = [
    { sim: 'h1', label: 'HTTP/1.1', env: {} },
    { sim: 'h2', label: 'HTTP/2 (ALPN h2)', env: {} },
    { sim: 'h2', label: 'h2 offered, upstreamHttp2 off', env: { BENCH_UPSTREAM_HTTP2: '0' } },
  ] as const;
  for (const { sim: mode, label, env } of rows) {
    const sim = await bench.startSim({ BENCH_SIM_TLS: mode, BENCH_TLS_KEY: pems.key, BENCH_TLS_CERT: pems.cert });
    try {
      const app = await bench.startApp({ upstream: { urls: sim.urls, ca: pems.cert }, env });
      const users = await sim.proc.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
      await app.proc.call('add-accounts', { users });
      const row = await measureRow({ ...bench, sim: sim.proc }, 'app', { body: shortBody(true), concurrency: 16 }, app);
      const stats = await sim.proc.call<{ openAgentConnections: number }>('stats');
      if (mode === 'h1') h1 = row;
      table.rows.push([
        label,
        String(row.simDelta.agentConnections),
        String(stats.openAgentConnections),
        ...loadCells(row, h1, true),
      ]);
      await app.proc.stop();
    } finally {
      await sim.proc.stop();
    }
  }
}
