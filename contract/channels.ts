/**
 * The names both sides agree on, with no behaviour: the request channels (as `<group>:<method>`), the pushed
 * events, and the one IPC channel events travel on. The preload and the HTTP bridge import only this and api.ts,
 * so neither bundles zod.
 */
export const CHANNELS = [
  'accounts:list',
  'accounts:add',
  'accounts:update',
  'accounts:remove',
  'accounts:reset',
  'accounts:import',
  'accounts:export',
  'accounts:signIn',
  'accounts:refreshSignIn',
  'accounts:checkCredits',
  'accounts:test',
  'settings:get',
  'settings:set',
  'settings:reset',
  'settings:generateApiKey',
  'settings:rotateInstallToken',
  'stats:get',
  'history:query',
  'history:record',
  'proxy:status',
  'proxy:health',
  'proxy:pause',
  'proxy:resume',
  'proxy:dismissDamagedDatabase',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** Events the core pushes, batched (at most about ten deliveries a second). */
export const EVENT_NAMES = [
  'counts',
  'accountStates',
  'accountProtocols',
  'accountsChanged',
  'settingsChanged',
  'requestsFinished',
  'logLines',
  'proxyStatus',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/**
 * The one event the transport raises itself rather than the core: its live stream opened, reopened after a break
 * (the app restarted, the machine slept), or was lost.
 */
export const CONNECTION_EVENT = 'connection';

/** The single IPC channel pushed events travel on, as `{ name, payload }`. */
export const IPC_EVENT_CHANNEL = 'orchids:event';

export const isChannel = (value: string): value is Channel => (CHANNELS as readonly string[]).includes(value);
