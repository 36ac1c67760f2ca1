import type { Events } from '../../../contract/api';
import type { EventName } from '../../../contract/channels';
import type { CoreEvent } from '../events/types';
import { requestView } from '../app/views';

/**
 * Regroups one core delivery into the contract's events, one message per event name that has news. This is the
 * one notification path: both transports (IPC to the window, the HTTP event stream) send exactly what it returns.
 * A pause or a resume (`proxy.changed`), a settings change, an account state change and a change to the account
 * list (the usable count may move) are followed by one fresh `proxyStatus`.
 */
export function toContractEvents(
  batch: CoreEvent[],
  status: () => Events['proxyStatus'],
): Array<{ name: EventName; payload: Events[EventName] }> {
  const requests: Events['requestsFinished'] = [];
  const states: Events['accountStates'] = [];
  const protocols: Events['accountProtocols'] = [];
  const lines: Events['logLines'] = [];
  let counts: Events['counts'] | undefined;
  let accountsChanged: Events['accountsChanged'] | undefined;
  let settingsChanged: Events['settingsChanged'] | undefined;
  let statusChanged = false;
  for (const event of batch) {
    switch (event.type) {
      case 'request.finished':
        requests.push(requestView(event.report, event.debugLog, event.statsSeq));
        break;
      case 'proxy.changed':
        statusChanged = true;
        break;
      case 'account.state':
        statusChanged = true; // the number of usable accounts may have moved
        states.push({
          accountId: event.accountId,
          previous: event.previous,
          status: event.status,
          reason: event.reason,
          until: event.until,
          at: event.at,
        });
        break;
      case 'account.protocol':
        protocols.push({ accountId: event.accountId, protocol: event.protocol, at: event.at });
        break;
      case 'accounts.changed':
        accountsChanged = { at: event.at };
        statusChanged = true; // the number of accounts, and of usable ones, may have moved
        break;
      case 'settings.changed':
        settingsChanged = { at: event.at };
        statusChanged = true; // the status shows settings (the API key, the address)
        break;
      case 'log.line':
        lines.push({ level: event.level, message: event.message, at: event.at });
        break;
      case 'counts.changed':
        counts = event.counts;
        break;
      case 'events.dropped':
        lines.push({
          level: 'warn',
          message: `The live view fell behind; ${event.count} events were skipped.`,
          at: Date.now(),
        });
        break;
      default:
        break;
    }
  }
  const out: Array<{ name: EventName; payload: Events[EventName] }> = [];
  if (counts) out.push({ name: 'counts', payload: counts });
  if (states.length) out.push({ name: 'accountStates', payload: states });
  if (protocols.length) out.push({ name: 'accountProtocols', payload: protocols });
  if (accountsChanged) out.push({ name: 'accountsChanged', payload: accountsChanged });
  if (settingsChanged) out.push({ name: 'settingsChanged', payload: settingsChanged });
  if (requests.length) out.push({ name: 'requestsFinished', payload: requests });
  if (lines.length) out.push({ name: 'logLines', payload: lines });
  if (statusChanged) out.push({ name: 'proxyStatus', payload: status() });
  return out;
}
