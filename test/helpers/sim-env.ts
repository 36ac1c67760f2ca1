import type { OrchidsSimulator } from '../sim/orchids-simulator';

/**
 * Every upstream address pointed at the simulator. A test that leaves one out would send that protocol's probe
 * to the real Orchids service (with `auto` that is the first thing a request does), or its credits reads to the
 * real orchids.app.
 */
export function simEnv(
  sim: Pick<OrchidsSimulator, 'clerkUrl' | 'agentUrl' | 'agentWsUrl' | 'agentBUrl' | 'siteUrl'>,
): Record<string, string> {
  return {
    ORCHIDS_CLERK_URL: sim.clerkUrl,
    ORCHIDS_AGENT_URL: sim.agentUrl,
    ORCHIDS_AGENT_WS_URL: sim.agentWsUrl,
    ORCHIDS_AGENT_B_URL: sim.agentBUrl,
    ORCHIDS_SITE_URL: sim.siteUrl,
  };
}

/** The same, as the core's `config` option. */
export function simConfig(
  sim: Pick<OrchidsSimulator, 'clerkUrl' | 'agentUrl' | 'agentWsUrl' | 'agentBUrl' | 'siteUrl'>,
) {
  return {
    clerkUrl: sim.clerkUrl,
    agentUrl: sim.agentUrl,
    agentWsUrl: sim.agentWsUrl,
    agentBUrl: sim.agentBUrl,
    siteUrl: sim.siteUrl,
  };
}
