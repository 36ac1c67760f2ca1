import { request } from 'undici';
import type { OrchidsCore } from './core/core';
import { loadOrCreateControlToken, readRuntimeInfo, rotateControlToken } from './core/control/install-token';

type Line = (text: string) => void;

/**
 * How the CLI speaks to the running app's control routes: the install token as a Bearer header, and, when the app
 * listens beyond loopback (remote mode), the API key that every route then wants.
 */
export function controlHeaders(core: OrchidsCore): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${loadOrCreateControlToken(core.config.dataDir)}` };
  const apiKey = core.settings.isUnreadable('apiKey') ? '' : core.settings.get('apiKey');
  if (apiKey) headers['x-api-key'] = apiKey;
  return headers;
}

function runningUrl(core: OrchidsCore): string {
  const runtime = readRuntimeInfo(core.config.dataDir);
  if (!runtime) {
    throw new Error(
      `Orchids Tray is not running for ${core.config.dataDir} (no runtime.json). Start it with npm run headless or npm start.`,
    );
  }
  return runtime.url;
}

/** `dashboard`: a fresh one-time sign-in link from the running app. */
export async function printDashboardLink(core: OrchidsCore, out: Line): Promise<void> {
  const url = runningUrl(core);
  let response;
  try {
    response = await request(`${url}/_tray/link`, { method: 'POST', headers: controlHeaders(core) });
  } catch (error) {
    throw new Error(`Cannot reach Orchids Tray at ${url}: ${(error as Error).message}. Is it still running?`);
  }
  const text = await response.body.text();
  if (response.statusCode !== 200) {
    throw new Error(
      `Orchids Tray at ${url} refused a sign-in link (HTTP ${response.statusCode}): ${text.slice(0, 200)}`,
    );
  }
  const link = JSON.parse(text) as { url: string; expiresAt: number };
  out(`Dashboard: ${link.url}`);
  out(`  (one browser, once, until ${new Date(link.expiresAt).toLocaleTimeString()})`);
}

/**
 * `token rotate`: a new install token. The running app rotates it itself (so it stops accepting the old one at
 * once, and signs every browser out); with no app running, the file is replaced here.
 */
export async function rotateInstallToken(core: OrchidsCore, out: Line): Promise<void> {
  const runtime = readRuntimeInfo(core.config.dataDir);
  if (runtime) {
    let response;
    try {
      response = await request(`${runtime.url}/_tray/api/settings:rotateInstallToken`, {
        method: 'POST',
        headers: { ...controlHeaders(core), 'content-type': 'application/json', 'x-orchids-tray': '1' },
        body: '{}',
      });
    } catch (error) {
      // runtime.json outlived its app: nobody holds the old token in memory, so the file is all there is.
      if ((error as { code?: string }).code !== 'ECONNREFUSED') throw error;
    }
    if (response) {
      const envelope = (await response.body.json().catch(() => undefined)) as { ok?: boolean } | undefined;
      if (response.statusCode !== 200 || !envelope?.ok) {
        throw new Error(
          `Orchids Tray at ${runtime.url} refused to rotate its install token (HTTP ${response.statusCode}).`,
        );
      }
      out('Rotated the install token in the running Orchids Tray: every dashboard browser must sign in again.');
      return;
    }
  }
  rotateControlToken(core.config.dataDir);
  out('Rotated the install token (Orchids Tray is not running; it uses the new one when it starts).');
}
