import path from 'node:path';
import type { OrchidsCore } from '../core';
import type { Handlers } from '../../../preload/contract';
import { createHandlers, type ControlOptions } from './control-service';
import { DashboardAccess } from './dashboard-access';
import { HttpControlTransport } from './http-transport';
import { clearRuntimeInfo, writeRuntimeInfo } from './install-token';

export interface AppControl {
  handlers: Handlers;
  transport: HttpControlTransport;
  /** Call once the server listens: tells the CLI where the app is. */
  announce(url: string): void;
  /** Call on stop: the CLI must not find a stale address. */
  retire(): void;
}

/**
 * The contract's handlers and its HTTP transport, mounted on the core's server. Headless mode uses the transport
 * for its browser window; the desktop app mounts it too, so `logs --follow` works against either.
 */
export function attachAppControl(
  core: OrchidsCore,
  options: ControlOptions & { distDir: string; log?: (line: string) => void; now?: () => number },
): AppControl {
  const access = new DashboardAccess({ dataDir: core.config.dataDir, now: options.now });
  // The install token is a secret the app holds: a prompt that quotes it is redacted like any other.
  core.debugLogs.addSecrets(access.secrets);
  const handlers = createHandlers(core, { ...options, rotateInstallToken: () => access.rotateToken() });
  const transport = new HttpControlTransport({
    core,
    handlers,
    access,
    rendererDir: path.join(options.distDir, 'renderer'),
    bridgeFile: path.join(options.distDir, 'renderer-bridge', 'bridge.js'),
    log: options.log,
  });
  core.server.setExtraRoutes(transport.handle);
  return {
    handlers,
    transport,
    announce: (url) =>
      writeRuntimeInfo(core.config.dataDir, { url, pid: process.pid, startedAt: Date.now(), shell: options.shell }),
    retire: () => clearRuntimeInfo(core.config.dataDir),
  };
}
