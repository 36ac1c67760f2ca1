/** Collects the tables and target checks, prints them, and writes BENCHMARKS.md. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './bodies';
import type { Row } from './harness';
import { fmt, fmtInt, ratio } from './stats';

export interface Table {
  title: string;
  note?: string;
  columns: string[];
  rows: string[][];
}

export interface Check {
  target: string;
  measured: string;
  /** undefined: the rows it needs were not run (--only) */
  pass: boolean | undefined;
}

export class Report {
  readonly tables: Table[] = [];
  readonly checks: Check[] = [];
  /** Rows kept by key for the target checks, e.g. `short non-stream c=16 app`. */
  readonly rows = new Map<string, Row>();
  readonly notes: string[] = [];
  readonly memory: Array<{ what: string; rss: number; heap?: number; heapTotal?: number; external?: number }> = [];
  /** The machine-speed task's time before each section (see machine-speed.ts). */
  readonly speed: Array<{ before: string; us: number }> = [];

  table(title: string, columns: string[], note?: string): Table {
    const table: Table = { title, columns, rows: [], note };
    this.tables.push(table);
    return table;
  }

  check(target: string, measured: string, pass: boolean | undefined): void {
    this.checks.push({ target, measured, pass });
  }
}

/** How fast the machine ran before each section, and a warning when that moved during the run. */
function speedLines(report: Report): string[] {
  if (report.speed.length === 0) return [];
  const times = report.speed.map((entry) => entry.us);
  const spread = Math.max(...times) / Math.min(...times);
  const lines = [
    "Machine speed (a fixed parse-and-stringify task timed in the benchmark's own process before each section, " +
      `µs; lower is faster): ${report.speed.map((entry) => `${entry.before} ${fmt(entry.us, 1)}`).join(', ')}.`,
    '',
  ];
  if (spread > 1.5) {
    lines.push(
      `**The machine's speed moved ${fmt(spread, 2)}× during this run**: sections measured at different speeds ` +
        "do not compare, and a slowed machine inflates the app's figures more than the hop's. Rerun on a quieter " +
        'machine before reading much into a miss.',
      '',
    );
  }
  return lines;
}

/** The columns every load row shares, after its label columns. */
export const LOAD_COLUMNS = [
  'req/s',
  'vs hop',
  'median ms',
  'p99 ms',
  'Δ median vs hop ms',
  'TTFB median ms',
  'TTFB p99 ms',
  'CPU µs/req (kernel)',
  'loop p99 ms',
  'cores busy',
  'other procs cores',
  'new upstream conns',
  'errors',
];

export function loadCells(row: Row, hop: Row | undefined, streamed: boolean): string[] {
  const delta = hop && row !== hop ? row.latency.median - hop.latency.median : undefined;
  return [
    fmtInt(row.rps),
    hop ? ratio(row.rps, hop.rps) : '—',
    fmt(row.latency.median),
    fmt(row.latency.p99),
    delta === undefined ? '—' : `${delta >= 0 ? '+' : ''}${fmt(delta)}`,
    streamed ? fmt(row.ttfb.median) : '—',
    streamed ? fmt(row.ttfb.p99) : '—',
    `${fmtInt(row.cpuUsPerReq)} (${fmtInt(row.sysUsPerReq)})`,
    fmt(row.loop?.p99Ms),
    fmt(row.coresBusy, 1),
    fmt(row.otherCores, 1),
    row.target === 'sim' ? '—' : String(row.simDelta.agentConnections + row.simDelta.wsUpgrades),
    String(row.errors),
  ];
}

export function markdownTable(table: Table): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(table.columns), line(table.columns.map(() => '---')), ...table.rows.map(line)].join('\n');
}

export function checksTable(report: Report): Table {
  return {
    title: 'Targets',
    columns: ['Target', 'Measured', 'Result'],
    rows: report.checks.map((c) => [c.target, c.measured, c.pass === undefined ? 'not run' : c.pass ? 'PASS' : 'MISS']),
  };
}

export function machine(): Record<string, string> {
  const cpus = os.cpus();
  return {
    CPU: `${cpus[0]?.model.trim() ?? 'unknown'}`,
    Cores: String(cpus.length),
    RAM: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
    Node: process.version,
    OS: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
  };
}

export function renderText(report: Report): string {
  const parts: string[] = [];
  for (const table of [checksTable(report), ...report.tables]) {
    parts.push(`## ${table.title}`, '');
    if (table.note) parts.push(table.note, '');
    parts.push(markdownTable(table), '');
  }
  return parts.join('\n');
}

const HOW_TO_READ = `## How to read this

- Every row is a closed-loop run: *c* workers, each sending its next request as soon as the previous answer has
  been read completely, over an undici Pool with *c* keep-alive connections. A warm-up precedes each measured
  phase; only requests that finish inside the measured phase count. Latency is client-side, from sending the
  request to reading the last byte; TTFB (streams only) is the time to the first body byte.
- **sim** is the load generator talking to the simulator directly. **hop** is a bare Node pass-through (receive,
  forward over an undici keep-alive pool, pipe back) in its own process: the floor any proxy pays. **app** is
  Orchids Tray's core (the same \`OrchidsCore\` headless mode runs, production settings) in its own process.
  "vs hop" divides by the hop's row measured in the same phase pattern just before; "Δ median" subtracts it.
- **CPU µs/req** is the target process's own user + system CPU (from \`process.cpuUsage()\`, reported over IPC)
  divided by the requests completed in the phase. **loop p99** is \`monitorEventLoopDelay\` inside that process.
  **cores busy** adds the CPU of the target, the simulator and the load generator: near 2.0 means this 2-core
  machine was saturated and the three processes were taking turns, so throughput there is a property of the
  machine as much as of the proxy. The same generator and simulator serve every target, so ratios stay fair;
  absolute req/s on a machine with more cores will be higher. **other procs cores** is what the rest of the
  machine used meanwhile (from /proc/stat): other people's builds and tests share these cores, and a row where
  that is high was measured on a busy machine.
- Rows that compare targets run as palindromes of short phases (sim, hop, app, app, hop, sim; four times, with
  half-second phases, for the rows a target is judged on), and each target's phases are merged; loop delay is
  the worst phase's. Drift in the machine's load then falls on every target alike.
- The measured processes (the hop and every app) are pinned to the last core (\`taskset\`, Linux); the simulator
  and the load generator run wherever the scheduler puts them. Unpinned, which core a long-lived process happened
  to share moved the c=16 ratio between 67% and 98% from run to run; pinned, it stayed at 93–94%. \`--no-pin\`
  turns it off.
- **new upstream conns** are TCP connections the simulator accepted from that target during the measured phase:
  warm, it should be 0 (the pool from the warm-up is reused).
- The simulator issues hour-long tokens here, so background token refreshes do not blur the Clerk counts; "Clerk
  calls on the request path" are the token cache's misses as the app counts them.
- On this shared 2-core machine, a single phase's throughput can move by 10-40% with other tenants' load, even
  when "other procs cores" reads near zero (the host's neighbours are invisible from inside): judge by the merged
  rows, and by the phase-by-phase spread the throughput target prints.
- To see where a cost comes from: \`npm run bench -- --cpu-prof --only fixture\` (or any section) profiles the
  app and the hop, prints the top functions of each, and says where the .cpuprofile files are.`;

/** The hand-written profile findings kept beside the bench, so every generated report carries them. */
function profileFindings(): string[] {
  const file = path.join(ROOT, 'test', 'bench', 'profile-findings.md');
  return fs.existsSync(file) ? [fs.readFileSync(file, 'utf8').trim(), ''] : [];
}

export function writeMarkdown(
  file: string,
  report: Report,
  info: { command: string; durationS: number; startedAt: Date },
): void {
  const facts = machine();
  const text = [
    '# Orchids Tray benchmarks',
    '',
    `Generated by \`${info.command}\` on ${info.startedAt.toISOString().slice(0, 10)} ` +
      `(${info.startedAt.toISOString()}), in ${Math.round(info.durationS)} s.`,
    '',
    '## Machine',
    '',
    ...Object.entries(facts).map(([key, value]) => `- ${key}: ${value}`),
    '',
    `This machine has ${facts.Cores} cores, and the app, the simulator and the load generator (three processes) ` +
      'share them; see "cores busy".',
    '',
    ...speedLines(report),
    ...report.notes.map((note) => `${note}\n`),
    renderText(report),
    ...profileFindings(),
    HOW_TO_READ,
    '',
  ].join('\n');
  fs.writeFileSync(file, text);
}
