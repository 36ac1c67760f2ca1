/**
 * The words for the app's own figures, for a person reporting slow or failing requests: `proxy status` prints the
 * pool and clock lines, and the window's Diagnostics shows and copies every line. Pure, so the CLI, the core's log
 * and the renderer say it alike.
 */
import { setAsideAt } from './damaged-database';
import type { Health, ProxyStatus, UpstreamHealth } from './status-views';

/** `1 dial`, `2 retries`: figures as a person reads them. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The Generation B WebSocket pool's counters since start, in one line. */
export function wsPoolLine(ws: UpstreamHealth['ws']): string {
  return (
    `WebSocket pool: ${ws.open} open (${ws.idle} idle), ${count(ws.dials, 'dial')}, ${count(ws.reuses, 'reuse')}, ` +
    `${count(ws.retries, 'retry', 'retries')}, ${count(ws.strays, 'stray')}`
  );
}

/** A server's clock against this machine's; `offsetMs` is the server's time minus ours (0: in step). */
export function describeClockOffset(server: string, offsetMs: number): string {
  if (offsetMs === 0) return `this machine's clock agrees with ${server}'s`;
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  const amount = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return (
    `this machine's clock runs ${amount} ${offsetMs < 0 ? 'ahead of' : 'behind'} ${server}'s; ` +
    'token lifetimes are read on its clock'
  );
}

/** Clerk's clock as a sentence of its own, or null when it agrees (nothing worth a line then). */
export function clerkClockLine(offsetSeconds: number): string | null {
  if (offsetSeconds === 0) return null;
  const words = describeClockOffset('Clerk', offsetSeconds * 1000);
  return `${words[0]!.toUpperCase()}${words.slice(1)}.`;
}

/** The part of the status Diagnostics shows besides `/health`'s figures. */
export type DiagnosticsStatus = Pick<ProxyStatus, 'version' | 'shell' | 'dataDir'>;

/**
 * Every Diagnostics line, in the order shown and copied. Only figures, the version and the data folder: no token,
 * key, cookie or e-mail, so the text can go into a public bug report as it is.
 */
export function diagnosticsLines(status: DiagnosticsStatus, health: Health): string[] {
  const { connections, bodyBudget } = health.server;
  const clock = clerkClockLine(health.upstream.clerkClockOffsetSeconds);
  const pin = health.pinnedMismatch;
  return [
    `Orchids Tray ${health.version} (${status.shell === 'desktop' ? 'desktop app' : 'headless'})`,
    `Data folder: ${status.dataDir}`,
    // A report of "every request fails" is read first for this: it is the one cause the other figures do not show.
    ...(pin ? [pinnedLine(pin)] : []),
    ...(health.damagedDatabase ? [damagedLine(health.damagedDatabase)] : []),
    wsPoolLine(health.upstream.ws),
    ...(clock ? [clock] : []),
    `Connections: ${connections.open} open; ${connections.displaced} displaced, ${connections.refused} refused, ` +
      `${count(connections.apiRefused, 'API request')} answered 529, ` +
      count(connections.abortedUploads, 'aborted upload'),
    `Body budget: ${bytes(bodyBudget.inUse)} in use of ${bytes(bodyBudget.bytes)} (peak ${bytes(bodyBudget.peak)}), ` +
      `${count(bodyBudget.refused, 'body', 'bodies')} refused`,
    `Debug records: ${health.debugLogs.enabled ? 'on' : 'off'}, ${health.debugLogs.written} written, ` +
      `${health.debugLogs.dropped} dropped, ${health.debugLogs.pending} pending`,
    `History: ${health.history.pending} pending, ${health.history.dropped} dropped`,
  ];
}

/** The pin and when it last failed, in UTC so that a report reads the same in every time zone. */
function pinnedLine(pin: NonNullable<Health['pinnedMismatch']>): string {
  const where = pin.fromEnv ? 'by ORCHIDS_TRAY_UPSTREAM_PROTOCOL' : 'by the setting';
  return (
    `Upstream protocol: pinned to ${pin.protocol} ${where}, not answering ` +
    `(last at ${new Date(pin.at).toISOString().replace('T', ' ').slice(0, 19)} UTC)`
  );
}

/**
 * Why accounts vanished, if they did, and when (the notice outlives restarts until dismissed): the set-aside file
 * by name only, since the data folder is a line above.
 */
function damagedLine(damaged: NonNullable<Health['damagedDatabase']>): string {
  const kept = damaged.keptAs.split(/[\\/]/).pop() ?? damaged.keptAs;
  return `Database: replaced at ${setAsideAt(damaged)} (${damaged.code}); the old file is kept as ${kept}`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
