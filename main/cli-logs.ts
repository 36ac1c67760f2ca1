import { request } from 'undici';
import type { OrchidsCore } from './core/core';
import { CONTROL_TOKEN_FILE, readRuntimeInfo } from './core/control/install-token';
import { controlHeaders } from './cli-dashboard';
import type { HistoryRow } from './core/history/history-repo';
import type { RequestReport } from './core/proxy/observer';
import type { Events } from '../preload/contract';

type Line = (text: string) => void;

/** One line per request, the same for live reports and history rows. */
type Printable = Pick<
  RequestReport,
  | 'requestId'
  | 'startedAt'
  | 'status'
  | 'model'
  | 'upstreamModel'
  | 'accountId'
  | 'inputTokens'
  | 'outputTokens'
  | 'firstByteMs'
  | 'durationMs'
  | 'errorType'
  | 'errorMessage'
  | 'retries'
  | 'protocol'
> & { stopReason: string | null };

export function formatRequest(r: Printable, accountName: (id: number | null) => string): string {
  const time = new Date(r.startedAt).toLocaleTimeString();
  const model = r.model === r.upstreamModel ? r.model : `${r.model} → ${r.upstreamModel}`;
  const account = r.accountId === null ? 'no account' : accountName(r.accountId);
  const parts = [
    time,
    String(r.status),
    model,
    account,
    r.protocol ? `via ${r.protocol}` : '',
    `in ${r.inputTokens} out ${r.outputTokens} tok`,
    r.firstByteMs === null ? '' : `first byte ${r.firstByteMs} ms`,
    `took ${formatDuration(r.durationMs)}`,
    r.retries > 0 ? `${r.retries} ${r.retries === 1 ? 'retry' : 'retries'}` : '',
    r.stopReason ?? (r.errorType ? `${r.errorType}: ${r.errorMessage ?? ''}` : ''),
    r.requestId,
  ];
  return parts.filter(Boolean).join('  ');
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function printHistory(core: OrchidsCore, limit: number, out: Line): void {
  const names = new Map(core.accounts.list().map((a) => [a.id, a.name]));
  const rows: HistoryRow[] = core.historyRepo.query({ limit }).reverse();
  if (rows.length === 0) out('No requests yet.');
  for (const row of rows)
    out(formatRequest(row, (id) => (id === null ? '' : `#${id} ${names.get(id) ?? '(removed)'}`)));
}

export async function printRecord(core: OrchidsCore, requestId: string, out: Line): Promise<boolean> {
  const row = core.historyRepo.get(requestId);
  if (!row) return false;
  const record = row.debugLog ? await core.debugLogs.read(row.debugLog) : undefined;
  out(
    JSON.stringify(
      record ?? { note: 'No debug record (debug logging was off, or the record was pruned).', history: row },
      null,
      2,
    ),
  );
  return true;
}

/**
 * Follows the running app's live event stream: one line per finished request, plus account state changes and
 * log lines. Connects with the install token, like the dashboard; stops when the app does.
 */
export async function followLogs(core: OrchidsCore, out: Line, signal?: AbortSignal): Promise<void> {
  const dataDir = core.config.dataDir;
  const runtime = readRuntimeInfo(dataDir);
  if (!runtime)
    throw new Error(
      `Orchids Tray is not running for ${dataDir} (no runtime.json). Start it with npm run headless or npm start.`,
    );
  let response;
  try {
    response = await request(`${runtime.url}/_tray/api/events`, { headers: controlHeaders(core), signal });
  } catch (error) {
    throw new Error(`Cannot reach Orchids Tray at ${runtime.url}: ${(error as Error).message}. Is it still running?`);
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(
      `Orchids Tray at ${runtime.url} refused the event stream (HTTP ${response.statusCode}); is ${CONTROL_TOKEN_FILE} from another install?`,
    );
  }
  const names = new Map(core.accounts.list().map((a) => [a.id, a.name]));
  const accountName = (id: number | null) => (id === null ? '' : `#${id} ${names.get(id) ?? ''}`.trim());
  out(`Following ${runtime.url} (Ctrl+C to stop)`);
  let buffered = '';
  try {
    for await (const chunk of response.body) {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const name = /^event: (.+)$/m.exec(frame)?.[1];
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (name && data) printEvent(name as keyof Events, JSON.parse(data), accountName, out);
      }
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
  out('Orchids Tray stopped.');
}

function printEvent(name: keyof Events, payload: unknown, accountName: (id: number | null) => string, out: Line): void {
  if (name === 'requestsFinished') {
    for (const report of payload as Events['requestsFinished']) out(formatRequest(report, accountName));
  } else if (name === 'accountStates') {
    for (const change of payload as Events['accountStates']) {
      const until = change.until ? ` until ${new Date(change.until).toLocaleTimeString()}` : '';
      out(
        `${new Date(change.at).toLocaleTimeString()}  account ${accountName(change.accountId)}: ${change.previous} → ${change.status}${until}${change.reason ? ` (${change.reason})` : ''}`,
      );
    }
  } else if (name === 'logLines') {
    for (const line of payload as Events['logLines'])
      out(`${new Date(line.at).toLocaleTimeString()}  ${line.level}  ${line.message}`);
  }
}
