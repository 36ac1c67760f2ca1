import path from 'node:path';
import type { Handlers } from '../../../contract/api';
import type { OrchidsCore } from '../core';
import { createHandlers } from './control-service';
import { HttpControlTransport } from './http-transport';
import { registerInstance, unregisterInstance } from './instance-registry';
import { loadOrCreateControlToken } from './install-token';
import { claimDataFolder, type DataFolderClaim, type RuntimeInfo } from './runtime-file';

export interface AppControl {
  handlers: Handlers;
  transport: HttpControlTransport;
  /** Call once the server listens: tells the CLI where the app is and with which token. */
  announce(url: string): void;
  /** Call on stop: the folder is free again, and the CLI must not find a stale address. */
  retire(): void;
}

/**
 * The contract's handlers and its HTTP transport, mounted on the core's server. Headless mode uses the transport
 * for its browser window; the desktop app mounts it too, so the CLI and `logs --follow` work against either.
 * `claim` is the data folder the app claimed before it opened anything (see `claimAppFolder`).
 */
export function attachAppControl(
  core: OrchidsCore,
  options: { distDir: string; log?: (line: string) => void; claim?: DataFolderClaim },
): AppControl {
  const handlers = createHandlers(core);
  const token = loadOrCreateControlToken(core.config.dataDir);
  const transport = new HttpControlTransport({
    core,
    handlers,
    token,
    rendererDir: path.join(options.distDir, 'renderer'),
    bridgeFile: path.join(options.distDir, 'renderer-bridge', 'bridge.js'),
    log: options.log,
  });
  core.proxy.mount(transport.handle);
  let claim = options.claim;
  return {
    handlers,
    transport,
    announce: (url) => {
      claim ??= claimDataFolder(core.config.dataDir, core.proxy.status().shell);
      claim.announce(url, token);
    },
    retire: () => claim?.release(),
  };
}

/**
 * Claims the data folder for an app (headless or desktop) before it opens anything: a second app on the same
 * folder gets DataFolderInUseError naming the first. Also keeps the per-user list of running apps the CLI reads.
 */
export function claimAppFolder(
  dataDir: string,
  shell: RuntimeInfo['shell'],
  env: NodeJS.ProcessEnv = process.env,
): DataFolderClaim {
  return claimDataFolder(dataDir, shell, {
    onAnnounce: (info) => registerInstance({ dataDir, pid: info.pid, url: info.url, shell }, env),
    onRelease: () => unregisterInstance(dataDir, process.pid, env),
  });
}
