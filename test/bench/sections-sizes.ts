/**
 * Request body size: the same short conversation grown from 1 KB to 1 MB, the app beside the hop, and what each
 * kilobyte costs. The 100 KB and 1 MB rows carry a target (app CPU per KB within 1.5× the hop's), so they run as
 * four palindromes like every judged row; the small sizes once.
 */
import { kb, sizedBody } from './bodies';
import { measureGroup, type Bench, type Row } from './harness';
import type { Report } from './report';
import { fmt, fmtInt, ratio } from './stats';

const JUDGED_SIZES = new Set([100 * 1024, 1024 * 1024]);
const CPU_PER_KB_TARGET = 1.5;

const cpuPerKb = (row: Row, bytes: number): number => row.cpuUsPerReq / (bytes / 1024);

export async function bodySizes(bench: Bench, report: Report): Promise<void> {
  const table = report.table('Request body size (non-stream, c=16): a conversation of ~2 KB turns', [
    'Body',
    'Target',
    'req/s',
    'vs hop',
    'median ms',
    'p99 ms',
    'Δ median vs hop ms',
    'CPU µs/req',
    'CPU µs/KB',
    'CPU/KB vs hop',
    'loop p99 ms',
    'errors',
  ]);
  const sizes = bench.opts.quick ? [1024, 1024 * 1024] : [1024, 10 * 1024, 100 * 1024, 1024 * 1024];
  for (const size of sizes) {
    const body = sizedBody(size);
    const request = { body, concurrency: 16 };
    const rows = await measureGroup(
      bench,
      (['hop', 'app'] as const).map((target) => ({ key: target, target, request })),
      JUDGED_SIZES.has(size) ? 4 : 1,
    );
    const hop = rows.get('hop')!;
    const app = rows.get('app')!;
    for (const row of [hop, app]) {
      const isApp = row === app;
      table.rows.push([
        kb(size),
        row.target,
        fmtInt(row.rps),
        ratio(row.rps, hop.rps),
        fmt(row.latency.median),
        fmt(row.latency.p99),
        isApp ? `+${fmt(row.latency.median - hop.latency.median)}` : '—',
        fmtInt(row.cpuUsPerReq),
        fmt(cpuPerKb(row, body.length), 1),
        isApp ? ratio(cpuPerKb(app, body.length), cpuPerKb(hop, body.length)) : '—',
        fmt(row.loop?.p99Ms),
        String(row.errors),
      ]);
      report.rows.set(`size ${kb(size)} ${row.target}`, row);
    }
    if (!JUDGED_SIZES.has(size)) continue;
    const r = cpuPerKb(app, body.length) / cpuPerKb(hop, body.length);
    report.check(
      `${kb(size)} body: app CPU per KB ≤ ${CPU_PER_KB_TARGET}× the hop's (non-stream, c=16)`,
      `${fmt(cpuPerKb(app, body.length), 1)} vs ${fmt(cpuPerKb(hop, body.length), 1)} µs/KB = ${fmt(r, 2)}× ` +
        `(${fmtInt(app.cpuUsPerReq)} vs ${fmtInt(hop.cpuUsPerReq)} µs a request)`,
      r <= CPU_PER_KB_TARGET && app.errors === 0,
    );
  }
}
