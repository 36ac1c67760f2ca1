import type { CoreEvent } from '../events/types';
import type { EventName, Events } from '../../../preload/contract';

/** Regroups one core delivery into the contract's events, one message per event name that has news. */
export function toContractEvents(
  batch: CoreEvent[],
  status?: () => Events['proxyStatus'],
): Array<{ name: EventName; payload: Events[EventName] }> {
  const requests: Events['requestsFinished'] = [];
  const states: Events['accountStates'] = [];
  const protocols: Events['accountProtocols'] = [];
  const lines: Events['logLines'] = [];
  let counts: Events['counts'] | undefined;
  let statusChanged = false;
  for (const event of batch) {
    switch (event.type) {
      case 'request.finished':
        requests.push({ ...event.report, debugLog: event.debugLog });
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
  if (requests.length) out.push({ name: 'requestsFinished', payload: requests });
  if (lines.length) out.push({ name: 'logLines', payload: lines });
  if (statusChanged && status) out.push({ name: 'proxyStatus', payload: status() });
  return out;
}
