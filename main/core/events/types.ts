import type { AccountStatus } from '../accounts/types';
import type { RequestReport } from '../proxy/observer';
import type { UpstreamProtocol } from '../upstream/protocol';

/** Everything the core tells live views (the window, `logs --follow`, the tray). */
export type CoreEvent =
  | { type: 'request.started'; requestId: string; at: number; model: string; stream: boolean }
  | { type: 'request.finished'; report: RequestReport; debugLog: string | null; statsSeq: number }
  /** Paused or resumed: views re-read the proxy status. */
  | { type: 'proxy.changed' }
  | { type: 'counts.changed'; counts: AccountCount[] }
  | {
      type: 'account.state';
      accountId: number;
      previous: AccountStatus;
      status: AccountStatus;
      reason: string;
      until: number | null;
      at: number;
    }
  /** An account was added, edited, removed or reset, or another process changed the stored accounts. */
  | { type: 'accounts.changed'; at: number }
  /** A setting's value changed, whoever changed it. */
  | { type: 'settings.changed'; at: number }
  /** An account answered on a different upstream protocol ('' = forgotten, the next request probes again). */
  | { type: 'account.protocol'; accountId: number; protocol: UpstreamProtocol | ''; at: number }
  | { type: 'log.line'; level: 'info' | 'warn' | 'error'; message: string; at: number }
  /** A subscriber fell behind and this many events were dropped for it. */
  | { type: 'events.dropped'; count: number };

export interface AccountCount {
  accountId: number;
  requestCount: number;
  lastUsedAt: number | null;
}
