/**
 * How the Orchids desktop app (Electron) introduces itself. Clerk and the agent's WebSocket upgrade both see these
 * exact values from the real app (spec §2, §3.3), so every request that imitates it takes them from here.
 */
export const ORCHIDS_DESKTOP_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Orchids/0.0.57 Chrome/138.0.7204.251 Electron/37.10.3 Safari/537.36';

export const ORCHIDS_WEB_ORIGIN = 'https://www.orchids.app';
