/**
 * The contract's runtime half: the channel list and the domain-API builder. Kept apart from the zod schemas in
 * contract.ts so the preload and the browser bridge stay small; contract.ts checks at compile time that this list
 * names every channel it has a schema for.
 */
import type { Channel, Envelope, EventName, OrchidsApi } from './contract';

export const CHANNELS = [
  'accounts:list',
  'accounts:add',
  'accounts:update',
  'accounts:remove',
  'accounts:reset',
  'accounts:import',
  'accounts:export',
  'settings:get',
  'settings:set',
  'settings:reset',
  'settings:generateApiKey',
  'settings:rotateInstallToken',
  'stats:get',
  'history:query',
  'history:record',
  'proxy:status',
  'proxy:pause',
  'proxy:resume',
] as const satisfies readonly Channel[];

export const EVENT_NAMES = [
  'counts',
  'accountStates',
  'accountProtocols',
  'requestsFinished',
  'logLines',
  'proxyStatus',
] as const satisfies readonly EventName[];

/** The single IPC channel pushed events travel on, as `{ name, payload }`. */
export const IPC_EVENT_CHANNEL = 'orchids:event';

/** Raised in the renderer for an `ok: false` envelope. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Builds the domain API over any transport; the preload and the HTTP bridge both use this. */
export function buildApi(
  invoke: (channel: Channel, input: unknown) => Promise<Envelope<unknown>>,
  on: (event: EventName, listener: (payload: unknown) => void) => () => void,
): OrchidsApi {
  const api: Record<string, unknown> = {
    on: (event: EventName, listener: (payload: unknown) => void) => {
      if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event ${String(event)}`);
      return on(event, listener);
    },
  };
  for (const channel of CHANNELS) {
    const [group, method] = channel.split(':') as [string, string];
    const target = (api[group] ??= {}) as Record<string, unknown>;
    target[method] = async (input?: unknown) => {
      const envelope = await invoke(channel, input);
      if (!envelope.ok) throw new ContractError(envelope.error.code, envelope.error.message);
      return envelope.value;
    };
  }
  return api as OrchidsApi;
}
