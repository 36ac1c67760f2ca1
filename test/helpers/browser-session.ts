import { request } from 'undici';
import { SIM_CLERK_QUERY } from '../sim/clerk';
import type { OrchidsSimulator, SimUser } from '../sim/orchids-simulator';

/**
 * The `__session` cookie a signed-in browser holds: the session JWT Clerk's `/v1/client` hands the page. Asked the
 * way the page asks, so with rotation on the user's live cookie rotates, as it would in the browser.
 */
export async function browserSessionToken(sim: OrchidsSimulator, user: SimUser): Promise<string> {
  const response = await request(`${sim.clerkUrl}/v1/client?${SIM_CLERK_QUERY}`, {
    headers: { cookie: `__client=${user.clientCookie}` },
  });
  const json = (await response.body.json()) as {
    response?: { sessions?: Array<{ last_active_token?: { jwt?: string } }> };
  };
  const jwt = json.response?.sessions?.[0]?.last_active_token?.jwt;
  if (response.statusCode !== 200 || !jwt)
    throw new Error(`simulated Clerk gave no session token (HTTP ${response.statusCode})`);
  return jwt;
}
