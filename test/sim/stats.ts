/**
 * What the simulator counts. Counters start at zero and resetStats() zeroes them; gauges (the `open…` fields) follow
 * live sockets and survive a reset, so a test can reset between phases and still read how many sockets are open.
 *
 * Generation A (the original host): agentRequests, agentConnections, openAgentConnections,
 * unauthorizedAgentRequests keep the meaning they always had. Generation B (the second host) has its own fields.
 */
export interface SimStats {
  tokenMints: number;
  /** every POST .../tokens received, successful or not (tokenMints counts issued tokens only) */
  tokenRequests: number;
  clientLookups: number;
  /** requests to Generation A's `POST /agent/coding-agent` (refused ones included) */
  agentRequests: number;
  /** TCP connections to the Generation A host that carried agent traffic (control-API connections excluded) */
  agentConnections: number;
  clerkConnections: number;
  /** gauge: open Generation A agent connections */
  openAgentConnections: number;
  unauthorizedAgentRequests: number;

  /** TCP connections to the Generation B host, WebSocket upgrades included */
  agentBConnections: number;
  /** gauge: open TCP connections to the Generation B host */
  openAgentBConnections: number;
  /** requests to Generation B's `POST /agent/coding-agent` (refused ones included) */
  sseBRequests: number;
  unauthorizedSseBRequests: number;
  /** upgrades answered 101 */
  wsUpgrades: number;
  /** upgrades refused with an HTTP status (bad token, protocol off, refuseUpgrades(), wrong path) */
  wsRefusedUpgrades: number;
  /** request frames received, busy and malformed ones included */
  wsRequests: number;
  /** request frames answered with an error frame or a close instead of the script (busy, bad_request, token) */
  wsRejectedRequests: number;
  /** gauge: open WebSockets */
  openWsSockets: number;
  /** WebSocket pings received from clients */
  wsPings: number;

  /**
   * the marketing site (site.ts): home page loads, chunk loads, server-action calls (refused ones included), RSC
   * prefetches of the home page (the router state), and anything else (the original's `POST /api/projects/create`
   * project preflight, spec §3.4, would land there)
   */
  sitePages: number;
  siteChunks: number;
  siteActions: number;
  sitePrefetches: number;
  siteOtherRequests: number;
}

export const GAUGES: readonly (keyof SimStats)[] = ['openAgentConnections', 'openAgentBConnections', 'openWsSockets'];

export function emptyStats(): SimStats {
  return {
    tokenMints: 0,
    tokenRequests: 0,
    clientLookups: 0,
    agentRequests: 0,
    agentConnections: 0,
    clerkConnections: 0,
    openAgentConnections: 0,
    unauthorizedAgentRequests: 0,
    agentBConnections: 0,
    openAgentBConnections: 0,
    sseBRequests: 0,
    unauthorizedSseBRequests: 0,
    wsUpgrades: 0,
    wsRefusedUpgrades: 0,
    wsRequests: 0,
    wsRejectedRequests: 0,
    openWsSockets: 0,
    wsPings: 0,
    sitePages: 0,
    siteChunks: 0,
    siteActions: 0,
    sitePrefetches: 0,
    siteOtherRequests: 0,
  };
}
