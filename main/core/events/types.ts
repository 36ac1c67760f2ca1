import type { AccountProtocolChange, AccountStateChange } from '../../../contract/account-views';
import type { AccountCount } from '../../../contract/request-views';
import type { LogLine } from '../../../contract/views';
import type { RequestReport } from '../proxy/observer';

/** Everything the core tells live views (the window, `logs --follow`, the tray). */
export type CoreEvent =
  | { type: 'request.started'; requestId: string; at: number; model: string; stream: boolean }
  | { type: 'request.finished'; report: RequestReport; debugLog: string | null; statsSeq: number }
  /** Paused or resumed: views re-read the proxy status. */
  | { type: 'proxy.changed' }
  | { type: 'counts.changed'; counts: AccountCount[] }
  | ({ type: 'account.state' } & AccountStateChange)
  /** An account was added, edited, removed or reset, or another process changed the stored accounts. */
  | { type: 'accounts.changed'; at: number }
  /** A setting's value changed, whoever changed it. */
  | { type: 'settings.changed'; at: number }
  /** An account answered on a different upstream protocol ('' = forgotten, the next request probes again). */
  | ({ type: 'account.protocol' } & AccountProtocolChange)
  | ({ type: 'log.line' } & LogLine)
  /** A subscriber fell behind and this many events were dropped for it. */
  | { type: 'events.dropped'; count: number };
