import path from 'node:path';
import type { Handlers } from '../../../contract/api';
import type { OrchidsCore } from '../core';
import { createHandlers } from './control-service';
import { DashboardAccess } from './dashboard-access';
import { HttpControlTransport } from './http-transport';
import { registerInstance, unregisterInstance } from './instance-registry';
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
  options: {
    distDir: string;
    log?: (line: string) => void;
    claim?: DataFolderClaim;
    now?: () => number;
    /** The ways to a fresh dashboard link that work for this app (HttpTransportOptions.linkWays). */
    linkWays?: readonly string[];
  },
): AppControl {
  const access = new DashboardAccess({ dataDir: core.config.dataDir, now: options.now });
  // The install token is a secret the app holds: a prompt that quotes it is redacted like any other.
  core.history.redactSecrets(access.secrets);
  let claim = options.claim;
  let announced: string | undefined;
  const handlers = createHandlers(core, {
    rotateInstallToken: () => {
      access.rotateToken();
      // The CLI finds the token in runtime.json: the next command must present the new one.
      if (announced !== undefined) claim?.announce(announced, access.token);
    },
  });
  const transport = new HttpControlTransport({
    core,
    handlers,
    access,
    rendererDir: path.join(options.distDir, 'renderer'),
    bridgeFile: path.join(options.distDir, 'renderer-bridge', 'bridge.js'),
    log: options.log,
    linkWays: options.linkWays,
  });
  core.proxy.mount(transport.handle);
  return {
    handlers,
    transport,
    announce: (url) => {
      claim ??= claimDataFolder(core.config.dataDir, core.proxy.status().shell);
      announced = url;
      claim.announce(url, access.token);
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
