import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import { ApiError } from './errors';
import { SET_API_KEY_COMMAND, unreadableKey } from './failures';
import { checkApiKey, hasApiKey, isLoopbackHost } from './guards';
import { ServerStartError } from './listen';
import type { ServerOptions } from './server-options';

/**
 * Remote mode (listening beyond loopback on purpose): when the server may start in it, which Host names are this
 * server's, and the API key on every route. A missing key fails closed rather than opening the server.
 */

const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="Orchids Tray", charset="UTF-8"' };

/**
 * Refuses to start beyond loopback unless asked to (ORCHIDS_TRAY_ALLOW_REMOTE), and in remote mode without an API
 * key: either would let other machines use the Orchids accounts.
 */
export function checkRemoteStart(
  options: Pick<ServerOptions, 'host' | 'allowNonLoopback' | 'hostUndo' | 'apiKey' | 'setApiKeyCommand'>,
  remote: boolean,
): void {
  const { host } = options;
  if (!isLoopbackHost(host) && !options.allowNonLoopback) {
    throw new ServerStartError(
      `Refusing to listen on ${host}: that would let other machines use your Orchids accounts. ` +
        'Set ORCHIDS_TRAY_ALLOW_REMOTE=1 (and an API key) if you really mean it' +
        (options.hostUndo ? `; to listen on this machine only, ${options.hostUndo}.` : '.'),
    );
  }
  if (remote && !options.apiKey()) {
    throw new ServerStartError(
      `Refusing to listen on ${host} without an API key: ` +
        'anyone who can reach that address could use your Orchids accounts. ' +
        `Set one with ORCHIDS_TRAY_API_KEY=<key>, or: ${options.setApiKeyCommand ?? SET_API_KEY_COMMAND}`,
    );
  }
}

/** The bound address, the machine's own addresses and the listed names, as a Host header would spell them. */
export function remoteHostNames(
  boundHost: string,
  ownAddresses: readonly string[] = machineAddresses(),
  listed: readonly string[] = [],
): Set<string> {
  const bracket = (address: string): string => (address.includes(':') ? `[${address}]` : address).toLowerCase();
  const names = new Set<string>([bracket(boundHost)]);
  for (const address of ownAddresses) names.add(bracket(address));
  for (const name of listed) names.add(name.trim().toLowerCase());
  return names;
}

/**
 * Every route needs the key, the dashboard included: a browser is asked for it through HTTP Basic authentication,
 * the key as the password.
 */
export function requireRemoteKey(
  req: IncomingMessage,
  apiKey: string | null,
  dashboard: boolean,
  setApiKeyCommand = SET_API_KEY_COMMAND,
): void {
  if (apiKey === null) throw unreadableKey(setApiKeyCommand);
  if (!apiKey) {
    throw new ApiError(
      'authentication_error',
      'Orchids Tray listens beyond this machine and has no API key, so it refuses every request. ' +
        `Set one in Settings or with: ${setApiKeyCommand}`,
    );
  }
  checkApiKey(req, apiKey, dashboard ? BASIC_CHALLENGE : {});
}

/** Only the status is public; the details need the key. */
export function remoteHealth(
  req: IncomingMessage,
  details: Record<string, unknown>,
  apiKey: string | null,
): Record<string, unknown> {
  return apiKey && hasApiKey(req, apiKey) ? details : { status: details.status };
}

function machineAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((entry): entry is os.NetworkInterfaceInfo => entry !== undefined)
    .map((entry) => entry.address);
}
